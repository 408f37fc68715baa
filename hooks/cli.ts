#!/usr/bin/env node
// The `mocha-isolation` command. Runs in: its own process, outside any mocha run.

import path from 'node:path';
import { DEFAULT_DURATIONS_FILE, ENV } from './config';
import { formatRepeat, repeat, seedsFor } from './main/flake-hunt';
import { mergeShardDurations } from './main/shard-durations';

const USAGE = `Usage:
  mocha-isolation merge-durations [cache-file]
      Folds the durations that ISOLATION_SHARD runs recorded next to the duration cache
      (durations.shard-<i>-of-<n>.json) into the cache, and removes them. The cache file is
      ${ENV.durations} if set, else ${DEFAULT_DURATIONS_FILE}.
  mocha-isolation repeat [--runs 10] [--seeds 1,2,3] [--alone 3] [mocha arguments...]
      Runs the suite once per seed (new seeds unless --seeds), then runs each test that failed alone
      (up to --alone times) and says whether it is a flake of its own or polluted by other tests.
      Exits 1 when any test failed. Mocha arguments such as --no-parallel or files are passed on.`;

const print = (line: string): void => void process.stderr.write(`${line}\n`);

function mergeDurations(file: string | undefined): number {
  const cache = path.resolve(file ?? process.env[ENV.durations] ?? DEFAULT_DURATIONS_FILE);
  const merged = mergeShardDurations(cache, process.cwd(), print);
  print(merged.length === 0 ? `mocha-isolation: no shard durations next to ${cache}; nothing to merge.` : `mocha-isolation: merged ${merged.length} shard file(s) into ${cache}.`);
  return 0;
}

async function repeatSuite(args: string[]): Promise<number> {
  const own: Record<string, string> = {};
  const mochaArgs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const name = ['--runs', '--seeds', '--alone'].find((flag) => arg === flag);
    if (name === undefined) mochaArgs.push(arg);
    else own[name] = args[++i] ?? '';
  }
  const runs = Number(own['--runs'] ?? 10);
  const alone = Number(own['--alone'] ?? 3);
  const seeds = seedsFor(runs, own['--seeds']);
  const bad = [
    Number.isInteger(runs) && runs >= 1 ? undefined : `"--runs" must be a whole number of at least 1, got "${own['--runs']}".`,
    Number.isInteger(alone) && alone >= 1 ? undefined : `"--alone" must be a whole number of at least 1, got "${own['--alone']}".`,
    seeds.every((seed) => Number.isInteger(seed) && seed >= 0) ? undefined : `"--seeds" must be whole numbers separated by commas, got "${own['--seeds']}".`,
  ].filter((problem): problem is string => problem !== undefined);
  if (bad.length > 0) {
    for (const problem of bad) print(`mocha-isolation repeat: ${problem}`);
    return 2;
  }
  const result = await repeat({ seeds, mochaArgs, aloneRuns: alone, cwd: process.cwd(), print });
  for (const line of formatRepeat(result, mochaArgs)) print(line);
  return result.failing.length === 0 ? 0 : 1;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'merge-durations') return mergeDurations(rest[0]);
  if (command === 'repeat') return repeatSuite(rest);
  print(`${command === undefined || command === '--help' ? '' : `"${command}" is not a mocha-isolation command.\n`}${USAGE}`);
  return command === undefined || command === '--help' ? 0 : 2;
}

void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
