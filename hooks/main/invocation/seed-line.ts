// The one line that makes any run reproducible: the seed, what was shuffled, and the command to run it again.
// Runs in: main process.

import { shellCommand } from '../../shared/shell-quote';
import { readCliArgs } from './cli-args';
import { DEFAULT_LAUNCHER } from './launcher';
import { ENV, type ShuffleLevel } from '../../config';

/**
 * Variables that change which files run, in what order, or how a test ends (a leak that fails it, fresh modules,
 * the strict environment): a reproduce command, replay and bisect must carry them.
 */
const ORDER_VARIABLES = [
  ENV.shuffle,
  ENV.shard,
  ENV.durations,
  ENV.dbReset,
  ENV.leaks,
  ENV.modules,
  ENV.keepModules,
  ENV.env,
  ENV.rejections,
] as const;

export interface TypedCommand {
  /** What followed `mocha` on the command line, as the user typed it. */
  args: string[];
  /** The words that started mocha when they were not `npx mocha` (main/launcher.ts). */
  launcher?: string[];
  /** The order-changing ISOLATION_* variables the user had set, and those set for the command (command-variables.ts). */
  env: Record<string, string>;
  /** Variables set for the command whose values are secrets: named, never stored. */
  secrets?: string[];
  /** What the config helper did with the file order; absent without it (mocha's own order). */
  files?: 'shuffled' | 'named' | 'declared';
}

/**
 * What the user typed, read in the first process that loads the mocha config (mocha re-spawns itself for node
 * options, and the child's arguments are not the typed ones). Published once through the environment.
 */
export function typedCommand(env: Readonly<Record<string, string | undefined>>, argv: readonly string[]): TypedCommand {
  const published = env[ENV.command];
  if (published !== undefined) {
    try {
      return JSON.parse(published) as TypedCommand;
    } catch {
      // A damaged value is ignored: the command is rebuilt from this process.
    }
  }
  const orderEnv: Record<string, string> = {};
  for (const name of ORDER_VARIABLES) {
    const value = env[name];
    if (value !== undefined && value !== '') orderEnv[name] = value;
  }
  return { args: argv.slice(2), env: orderEnv };
}

/** Without the config helper the child's arguments are all there is; its node flags go back as --node-option. */
export function commandFromChild(argv: readonly string[], execArgv: readonly string[]): string[] {
  const respawned = /[\\/]lib[\\/]cli[\\/]cli\.js$/.test(argv[1] ?? '');
  const nodeOptions = respawned ? execArgv.flatMap((flag) => ['--node-option', flag.replace(/^--?/, '')]) : [];
  return [...nodeOptions, ...argv.slice(2)];
}

/** Exactly what this run shuffled, in words. */
export function describeOrder(level: ShuffleLevel, files: TypedCommand['files']): string {
  if (level === 'off') return `declared order (${ENV.shuffle}=off)`;
  const fileOrder =
    files === 'shuffled' ? 'files shuffled' : files === 'named' ? 'files in the order named' : "files in mocha's order (no defineConfig)";
  const inside = {
    tests: 'suites and tests shuffled',
    suites: 'suites shuffled, tests in declared order',
    files: 'suites and tests in declared order',
  }[level];
  return `${fileOrder}, ${inside}`;
}

/** What the user typed, as the reproduce line reads it in this process. */
function typedHere(env: Readonly<Record<string, string | undefined>>, argv: readonly string[], execArgv: readonly string[]): TypedCommand {
  return env[ENV.command] === undefined ? { ...typedCommand(env, argv), args: commandFromChild(argv, execArgv) } : typedCommand(env, argv);
}

/**
 * The typed command on one spec file: the files named on the command line (positionally or with --spec) give way
 * to `file`; every other argument and order variable stays (a dead worker's or a failed load's reproduce line).
 */
export function fileCommand(
  seed: number | string,
  file: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
  argv: readonly string[] = process.argv,
  execArgv: readonly string[] = process.execArgv,
): string {
  const typed = typedHere(env, argv, execArgv);
  const specs = new Set(readCliArgs(typed.args).specs);
  const args: string[] = [];
  for (let i = 0; i < typed.args.length; i++) {
    const arg = typed.args[i] as string;
    if (arg === '--spec' && specs.has(typed.args[i + 1] as string)) i++;
    else if (!specs.has(arg) && !(arg.startsWith('--spec=') && specs.has(arg.slice('--spec='.length)))) args.push(arg);
  }
  return shellCommand({ ...typed.env, [ENV.seed]: String(seed) }, [...(typed.launcher ?? DEFAULT_LAUNCHER), ...args, file], typed.secrets);
}

export function formatSeedLine(
  seed: number,
  level: ShuffleLevel,
  env: Readonly<Record<string, string | undefined>>,
  argv: readonly string[],
  execArgv: readonly string[],
): string {
  const typed = typedHere(env, argv, execArgv);
  const command = shellCommand(
    { ...typed.env, [ENV.seed]: String(seed) },
    [...(typed.launcher ?? DEFAULT_LAUNCHER), ...typed.args],
    typed.secrets,
  );
  return `mocha-isolation: seed ${seed}, ${describeOrder(level, typed.files)}. Reproduce: ${command}`;
}
