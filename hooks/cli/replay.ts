// `mocha-isolation replay`: reruns the last run's schedule exactly, and the commands that name such runs. Runs in:
// the command's process, spawning mocha serially (one process per worker sequence, files named in the order the
// worker ran them, the run's seed, shuffle level, outcome-changing variables and launcher).

import { readCliArgs } from '../main/invocation/cli-args';
import { DEFAULT_LAUNCHER } from '../main/invocation/launcher';
import { laneLabel } from './merge-shards';
import { runMochaReport } from './mocha-process';
import type { RunRecord } from '../main/run-record';
import { shellCommand } from '../shared/shell-quote';

type Print = (line: string) => void;

// How mocha titles a failed hook in its reports: `"before each" hook for "test"`, `"after all" hook in "suite"`.
const HOOK_TITLE = /"(before|after) (all|each)" hook/;

/** The typed arguments less the mode, the job count and the files: replay and bisect name their own. */
export function replayArguments(args: readonly string[]): string[] {
  const files = new Set(readCliArgs(args).specs);
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '-j' || arg === '--jobs') i++;
    else if (!/^(--parallel|--no-parallel|-p|--jobs=.*|-j\d+)$/.test(arg) && !files.has(arg)) kept.push(arg);
  }
  return kept;
}

/**
 * The recorded run's variables for a run of its tests. A secret set for the recorded command is not stored: it
 * must be set for this command too, else the run would not be the recorded one.
 */
export function replayEnvironment(
  record: RunRecord,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Record<string, string> {
  const missing = (record.command.secrets ?? []).filter((name) => env[name] === undefined);
  if (missing.length > 0) {
    const names = missing.join(', ');
    throw new Error(
      `the recorded run was started with ${names} set for its command, and ${missing.length === 1 ? 'its value is' : 'their values are'} not stored (a secret). Set ${missing.length === 1 ? 'it' : 'them'} for this command too: ${missing.map((name) => `${name}=…`).join(' ')} npx mocha-isolation …`,
    );
  }
  return recordedVariables(record);
}

function recordedVariables(record: RunRecord): Record<string, string> {
  // A shard's files are named, which ISOLATION_SHARD refuses: the shard already chose them.
  const { ISOLATION_SHARD: _shard, ...env } = record.command.env;
  return { ...env, ISOLATION_SEED: String(record.seed), ISOLATION_SHUFFLE: record.shuffle, ISOLATION_DURATIONS: 'off' };
}

/** The serial mocha command for these files (and tests): printed, so every word is quoted for the shell. */
export function replayCommand(record: RunRecord, files: readonly string[], grep: string | undefined): string {
  const words = [
    ...(record.command.launcher ?? DEFAULT_LAUNCHER),
    '--no-parallel',
    ...replayArguments(record.command.args),
    ...files,
    ...(grep === undefined ? [] : ['--grep', grep]),
  ];
  return shellCommand(recordedVariables(record), words, record.command.secrets);
}

/** Each worker's files, in the order it ran them, serially; mocha's own output is shown. */
export async function replay(record: RunRecord, cwd: string, print: Print, recordFile?: string): Promise<number> {
  const env = replayEnvironment(record);
  let failed = 0;
  let first: string | undefined;
  let hookFailures = 0;
  for (const [index, worker] of record.workers.entries()) {
    const files = worker.files.map((entry) => entry.file);
    print(
      `mocha-isolation replay: ${laneLabel(worker) ?? (record.parallel ? `worker ${worker.workerId}` : 'the serial run')} (${index + 1}/${record.workers.length}), ${files.length} file${files.length === 1 ? '' : 's'}: ${replayCommand(record, files, undefined)}`,
    );
    const report = await runMochaReport(
      cwd,
      ['--no-parallel', ...replayArguments(record.command.args), ...files],
      env,
      true,
      undefined,
      record.command.launcher,
    );
    failed += report.reported ? report.failures.length : 1;
    if (!report.reported)
      print('mocha-isolation replay: mocha wrote no report for these files (it could not start, or crashed): see its output above.');
    hookFailures += report.failures.filter((failure) => HOOK_TITLE.test(failure.fullTitle)).length;
    for (const failure of report.failures)
      print(
        `  failed: "${failure.fullTitle}" (${failure.file})${failure.message === undefined ? '' : `: ${failure.message.split('\n')[0]}`}`,
      );
    first ??= report.failures.find(
      (failure) => !HOOK_TITLE.test(failure.fullTitle) && failure.message?.startsWith('did not run: ') !== true,
    )?.fullTitle;
  }
  // Counted as mocha counts (a failed hook is one more); the record holds tests only.
  const recorded = recordedFailures(record).length;
  const hooks = hookFailures;
  const tests = failed - hooks;
  const now =
    failed === 0
      ? 'every test passed'
      : hooks === 0
        ? `${failed} failed`
        : `${failed} failed: ${tests} tests, ${hooks} hook${hooks === 1 ? '' : 's'}`;
  print(`mocha-isolation replay: ${now} (the recorded run: ${recorded} ${hooks === 0 ? '' : 'tests '}failed).`);
  if (first !== undefined) {
    const named = recordFile === undefined ? [] : ['--record', recordFile];
    print(`  find a test that polluted it: ${shellCommand({}, ['npx', 'mocha-isolation', 'bisect', ...named, '--test', first])}`);
  }
  return failed === 0 ? 0 : 1;
}

export function recordedFailures(record: RunRecord): Array<{ worker: number; file: number; title: string }> {
  const found: Array<{ worker: number; file: number; title: string }> = [];
  record.workers.forEach((worker, w) =>
    worker.files.forEach((entry, f) =>
      entry.tests.forEach(([title, outcome]) => outcome === 'failed' && found.push({ worker: w, file: f, title })),
    ),
  );
  return found;
}
