// The one line that makes any run reproducible. Runs in: main process.

import { ENV } from '../config';

const SAFE_ARG = /^[\w@%+=:,./-]+$/;

function quote(arg: string): string {
  return SAFE_ARG.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function formatSeedLine(seed: number, shuffled: boolean, argv: readonly string[]): string {
  const command = `${ENV.seed}=${seed} npx mocha${argv.map((arg) => ` ${quote(arg)}`).join('')}`;
  const order = shuffled ? 'files and tests shuffled' : `declared order (${ENV.shuffle}=off)`;
  return `mocha-isolation: seed ${seed}, ${order}. Reproduce: ${command}`;
}
