#!/usr/bin/env node
// The `mocha-isolation` command. Runs in: its own process, outside any mocha run.

import path from 'node:path';
import { DEFAULT_DURATIONS_FILE, ENV, parseConfig } from '../config';
import { bisect, formatBisect } from './bisect';
import { replay } from './replay';
import { formatRepeat, repeat, seedsFor } from './flake-hunt';
import { readRunRecord } from '../main/run-record';
import { runRecordFile } from '../shared/run-layout';
import { mergeShardDurations } from '../main/scheduling/shard-durations';
import { DEFAULT_MERGE_DIR, mergeCommand } from './merge-command';
import { initConfig } from './init-config';
import { commandVariables, typingShell } from '../main/invocation/command-variables';
import { shellSplit } from '../main/invocation/launcher';
import { shellQuote } from '../shared/shell-quote';

const USAGE = `Usage:
  mocha-isolation init [--dry-run] [--config FILE]
      Turns the project's mocha config (.mocharc.yml/.yaml/.json/.jsonc/.js/.cjs, FILE, or package.json's
      "mocha" key) into the plugin's .mocharc.cjs: a YAML or JSON file stays and is read from there, a JS
      config is renamed aside and read from there, package.json's key moves; adds the plugin's hooks to
      require and .mocha-isolation/ to .gitignore. Changes nothing when run again. --dry-run shows it all.
  mocha-isolation merge SHARD... [--out DIR] [--durations FILE]
      Joins the records of a run's CI shard jobs (ISOLATION_SHARD=i/n): each SHARD is a job's downloaded
      .mocha-isolation folder (or a folder of them, or its last-run.json). Writes into DIR (default
      .mocha-isolation/merged) report.html, junit.xml, last-run.json (replay and bisect read it), leaks.json and
      durations.json, the duration cache for the next run. Refuses records of different commits, seeds or shard
      counts (exit 2); exits 1 when a shard never reported (naming its files), a planned file did not run, or
      a test failed.
  mocha-isolation merge-durations [cache-file]
      Folds the durations that ISOLATION_SHARD runs recorded next to the duration cache
      (durations.shard-<i>-of-<n>.json) into the cache, and removes them. The cache file is
      ${ENV.durations} if set, else ${DEFAULT_DURATIONS_FILE}.
  mocha-isolation repeat [--runs 10] [--seeds 1,2,3] [--alone 3] [--launcher "npx tsx …"] [mocha arguments...]
      Runs the suite once per seed (new seeds unless --seeds), then runs each test that failed alone
      (--alone times) and says which it is: polluted by another test (passes alone), a flake of its own
      (fails alone some of the time), dependent on a test having run first (fails alone every time: that
      test is named), or broken (fails every time). Mocha starts as the last run started it (its launcher)
      unless --launcher says otherwise. Exits 1 when any test failed. Mocha arguments such as --no-parallel
      or files are passed on.
  mocha-isolation replay [last | FILE | --record FILE]
      Reruns a recorded run exactly: each worker's files in the order it ran them, serially, with the run's
      seed and shuffle level. The record is the last run's (last-run.json beside the duration cache) unless
      a file is named.
  mocha-isolation bisect [--record FILE] [--test "full title"]
      Finds the test whose running before a failing test (the record's first, or --test) makes it fail:
      checks that it passes alone, then halves the files its worker ran before it, then the tests of the
      guilty file, and prints the polluter, the victim and a command that shows it in two files.`;

const print = (line: string): void => void process.stderr.write(`${line}\n`);

function mergeDurations(file: string | undefined): number {
  const cache = path.resolve(file ?? process.env[ENV.durations] ?? DEFAULT_DURATIONS_FILE);
  const merged = mergeShardDurations(cache, process.cwd(), print);
  print(
    merged.length === 0
      ? `mocha-isolation: no shard durations next to ${cache}; nothing to merge.`
      : `mocha-isolation: merged ${merged.length} shard file(s) into ${cache}.`,
  );
  return 0;
}

function mergeShards(args: string[]): number {
  const inputs: string[] = [];
  const given: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--out' || arg === '--durations') {
      const value = args[++i];
      if (value === undefined) {
        print(`mocha-isolation merge: "${arg}" needs a value: ${arg} ${arg === '--out' ? 'DIR' : 'FILE'}.`);
        return 2;
      }
      given[arg] = value;
    } else if (arg.startsWith('--')) {
      print(`mocha-isolation merge: "${arg}" is not an option here. Use --out DIR, --durations FILE.`);
      return 2;
    } else inputs.push(arg);
  }
  return mergeCommand({
    inputs,
    out: given['--out'] ?? DEFAULT_MERGE_DIR,
    cwd: process.cwd(),
    print,
    ...(given['--durations'] === undefined ? {} : { durations: given['--durations'] }),
  });
}

async function repeatSuite(args: string[]): Promise<number> {
  const own: Record<string, string> = {};
  const mochaArgs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const name = ['--runs', '--seeds', '--alone', '--launcher'].find((flag) => arg === flag);
    if (name === undefined) mochaArgs.push(arg);
    else own[name] = args[++i] ?? '';
  }
  const runs = Number(own['--runs'] ?? 10);
  const alone = Number(own['--alone'] ?? 3);
  const seeds = seedsFor(runs, own['--seeds']);
  const bad = [
    Number.isInteger(runs) && runs >= 1 ? undefined : `"--runs" must be a whole number of at least 1, got "${own['--runs']}".`,
    Number.isInteger(alone) && alone >= 1 ? undefined : `"--alone" must be a whole number of at least 1, got "${own['--alone']}".`,
    seeds.every((seed) => Number.isInteger(seed) && seed >= 0)
      ? undefined
      : `"--seeds" must be whole numbers separated by commas, got "${own['--seeds']}".`,
  ].filter((problem): problem is string => problem !== undefined);
  if (bad.length > 0) {
    for (const problem of bad) print(`mocha-isolation repeat: ${problem}`);
    return 2;
  }
  const launcher = repeatLauncher(own['--launcher']);
  const variables = commandVariables(typingShell());
  const result = await repeat({
    seeds,
    mochaArgs,
    aloneRuns: alone,
    cwd: process.cwd(),
    print,
    variables,
    ...(launcher === undefined ? {} : { launcher }),
  });
  for (const line of formatRepeat(result, mochaArgs, launcher, variables)) print(line);
  return result.failing.length === 0 ? 0 : 1;
}

/**
 * How repeat starts mocha: `--launcher`, else as the last run was started (its record), else `npx mocha`.
 * Said in one line when it is not `npx mocha`, so that a launcher read from an old record is no surprise.
 */
function repeatLauncher(given: string | undefined): string[] | undefined {
  if (given !== undefined) return shellSplit(given);
  try {
    const launcher = readRunRecord(runRecordFile(parseConfig(process.env).config.durations, process.cwd())).command.launcher;
    if (launcher !== undefined)
      print(`mocha-isolation repeat: starting mocha as the last run did: ${launcher.map(shellQuote).join(' ')} (--launcher to change it)`);
    return launcher;
  } catch {
    return undefined;
  }
}

/** `--name value` pairs for the names given; anything else is refused, naming it. */
function options(args: readonly string[], names: readonly string[]): Record<string, string> {
  const found: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!names.includes(arg) || args[i + 1] === undefined)
      throw new Error(`"${arg}" is not an option here. Use ${names.join(', ')}, each with a value.`);
    found[arg] = args[++i] as string;
  }
  return found;
}

async function replayOrBisect(command: 'replay' | 'bisect', args: string[]): Promise<number> {
  // `replay last` and `replay FILE` read as `replay` and `replay --record FILE`.
  const [first] = args;
  if (command === 'replay' && first !== undefined && !first.startsWith('--'))
    args = first === 'last' ? args.slice(1) : ['--record', ...args];
  const given = options(args, command === 'replay' ? ['--record'] : ['--record', '--test']);
  // Where the run wrote it: beside the duration cache, or in the default folder when the cache is off.
  const record = readRunRecord(path.resolve(given['--record'] ?? runRecordFile(parseConfig(process.env).config.durations, process.cwd())));
  if (command === 'replay') return replay(record, process.cwd(), print, given['--record']);
  const result = await bisect(record, process.cwd(), given['--test'], print);
  for (const line of formatBisect(result, record)) print(line);
  return result.verdict === 'polluted' ? 0 : 1;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'merge-durations') return mergeDurations(rest[0]);
  if (command === 'merge') return mergeShards(rest);
  if (command === 'repeat') return repeatSuite(rest);
  if (command === 'init') {
    try {
      const given = options(
        rest.filter((arg) => arg !== '--dry-run'),
        ['--config'],
      );
      return initConfig({
        cwd: process.cwd(),
        dryRun: rest.includes('--dry-run'),
        print,
        ...(given['--config'] === undefined ? {} : { config: given['--config'] }),
      });
    } catch (error) {
      print(`mocha-isolation init: ${(error as Error).message}`);
      return 2;
    }
  }
  if (command === 'replay' || command === 'bisect') {
    try {
      return await replayOrBisect(command, rest);
    } catch (error) {
      print(`mocha-isolation ${command}: ${(error as Error).message}`);
      return 2;
    }
  }
  print(`${command === undefined || command === '--help' ? '' : `"${command}" is not a mocha-isolation command.\n`}${USAGE}`);
  return command === undefined || command === '--help' ? 0 : 2;
}

void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
