// `mocha-isolation replay` and `bisect`: rerun the last run's schedule exactly, and find which test, run before a
// failing one, makes it fail. Runs in: the command's process, spawning mocha serially (one process per worker
// sequence, files named in the order the worker ran them, the run's seed and shuffle level).

import { readCliArgs } from './cli-args';
import { escapeRegExp, runMochaReport } from './mocha-process';
import type { RunRecord } from './run-record';
import type { Leak } from '../shared/leak-report';

type Print = (line: string) => void;

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

export function replayEnvironment(record: RunRecord): Record<string, string> {
  return { ...record.command.env, ISOLATION_SEED: String(record.seed), ISOLATION_SHUFFLE: record.shuffle, ISOLATION_DURATIONS: 'off' };
}

function command(record: RunRecord, files: readonly string[], grep: string | undefined): string {
  const env = Object.entries(replayEnvironment(record)).map(([name, value]) => `${name}=${value}`).join(' ');
  const extra = replayArguments(record.command.args);
  return `${env} npx mocha --no-parallel${extra.map((arg) => ` ${arg}`).join('')} ${files.join(' ')}${grep === undefined ? '' : ` --grep '${grep}'`}`;
}

/** Each worker's files, in the order it ran them, serially; mocha's own output is shown. */
export async function replay(record: RunRecord, cwd: string, print: Print): Promise<number> {
  let failed = 0;
  for (const [index, worker] of record.workers.entries()) {
    const files = worker.files.map((entry) => entry.file);
    print(`mocha-isolation replay: ${record.parallel ? `worker ${worker.workerId}` : 'the serial run'} (${index + 1}/${record.workers.length}), ${files.length} files: ${command(record, files, undefined)}`);
    const report = await runMochaReport(cwd, ['--no-parallel', ...replayArguments(record.command.args), ...files], replayEnvironment(record), true);
    failed += report.reported ? report.failures.length : 1;
  }
  print(`mocha-isolation replay: ${failed === 0 ? 'every test passed' : `${failed} failed`} (the recorded run: ${recordedFailures(record).length} failed).`);
  return failed === 0 ? 0 : 1;
}

function recordedFailures(record: RunRecord): Array<{ worker: number; file: number; title: string }> {
  const found: Array<{ worker: number; file: number; title: string }> = [];
  record.workers.forEach((worker, w) => worker.files.forEach((entry, f) => entry.tests.forEach(([title, outcome]) => outcome === 'failed' && found.push({ worker: w, file: f, title }))));
  return found;
}

export interface BisectResult {
  victim: string;
  polluter: string | undefined;
  files: string[];
  runs: number;
  verdict: 'polluted' | 'fails-alone' | 'does-not-reproduce';
  /** What the leak report says the polluter left behind, in the confirming run. */
  polluterLeaks: Leak[];
}

/**
 * Finds the test whose running before `victim` makes it fail: first the file (halving the files its worker ran
 * before the victim's), then the test inside it (halving that file's tests with --grep). Assumes one polluter;
 * log2(files) + log2(tests) runs, plus three to confirm.
 */
export async function bisect(record: RunRecord, cwd: string, victimTitle: string | undefined, print: Print): Promise<BisectResult> {
  const failures = recordedFailures(record);
  const target = victimTitle === undefined ? failures[0] : failures.find((f) => f.title === victimTitle);
  if (target === undefined) {
    throw new Error(victimTitle === undefined ? 'the recorded run had no failing test: nothing to bisect.' : `"${victimTitle}" did not fail in the recorded run. Name a test that failed, or run the suite again.`);
  }
  const worker = record.workers[target.worker] as RunRecord['workers'][number];
  const victimFile = worker.files[target.file]?.file as string;
  const victim = target.title;
  const extra = replayArguments(record.command.args);
  let runs = 0;
  let lastLeaks: Leak[] = [];
  const victimFails = async (files: readonly string[], grep: string | undefined, what: string): Promise<boolean> => {
    runs += 1;
    const report = await runMochaReport(cwd, ['--no-parallel', ...extra, ...(grep === undefined ? [] : ['--grep', grep]), ...new Set(files)], replayEnvironment(record));
    lastLeaks = report.leaks;
    const failed = report.failures.some((f) => f.fullTitle === victim);
    print(`mocha-isolation bisect: run ${runs}: ${what}: the victim ${failed ? 'fails' : 'passes'}`);
    return failed;
  };
  const only = (titles: readonly string[]): string => `^(${titles.map(escapeRegExp).join('|')})$`;

  print(`mocha-isolation bisect: victim "${victim}" (${victimFile}), which failed in ${record.parallel ? `worker ${worker.workerId}` : 'the serial run'} after ${target.file} other files`);
  if (await victimFails([victimFile], only([victim]), 'alone')) return { victim, polluter: undefined, files: [victimFile], runs, verdict: 'fails-alone', polluterLeaks: [] };

  let guilty: string;
  if (await victimFails([victimFile], undefined, 'with the rest of its own file')) {
    guilty = victimFile;
  } else {
    let candidates = worker.files.slice(0, target.file).map((entry) => entry.file);
    if (candidates.length === 0 || !(await victimFails([...candidates, victimFile], undefined, `after all ${candidates.length} files its worker ran before it`))) {
      return { victim, polluter: undefined, files: [victimFile], runs, verdict: 'does-not-reproduce', polluterLeaks: [] };
    }
    while (candidates.length > 1) {
      const half = candidates.slice(0, Math.ceil(candidates.length / 2));
      candidates = (await victimFails([...half, victimFile], undefined, `after ${half.length} of ${candidates.length} candidate files`)) ? half : candidates.slice(half.length);
    }
    guilty = candidates[0] as string;
  }

  const guiltyTitles = (worker.files.find((entry) => entry.file === guilty)?.tests ?? []).map(([title]) => title);
  // In the victim's own file only the tests that ran before it can be to blame.
  let tests = guilty === victimFile ? guiltyTitles.slice(0, guiltyTitles.indexOf(victim)) : guiltyTitles;
  while (tests.length > 1) {
    const half = tests.slice(0, Math.ceil(tests.length / 2));
    tests = (await victimFails([guilty, victimFile], only([...half, victim]), `after ${half.length} of ${tests.length} candidate tests in ${guilty}`)) ? half : tests.slice(half.length);
  }
  const polluter = tests[0];
  const confirmed = polluter !== undefined && (await victimFails([guilty, victimFile], only([polluter, victim]), 'after the polluter alone (confirmation)'));
  return {
    victim,
    polluter: confirmed ? polluter : undefined,
    files: [...new Set([guilty, victimFile])],
    runs,
    verdict: confirmed ? 'polluted' : 'does-not-reproduce',
    polluterLeaks: confirmed ? lastLeaks.filter((leak) => leak.test === polluter) : [],
  };
}

export function formatBisect(result: BisectResult, record: RunRecord): string[] {
  if (result.verdict === 'fails-alone') {
    return [`mocha-isolation bisect: "${result.victim}" fails alone, so no other test is to blame: ${command(record, result.files, `^${escapeRegExp(result.victim)}$`)} (${result.runs} runs)`];
  }
  if (result.verdict === 'does-not-reproduce' || result.polluter === undefined) {
    return [`mocha-isolation bisect: "${result.victim}" passes alone and did not fail again when its worker's files were replayed serially (timing, not order?). ${result.runs} runs.`];
  }
  return [
    `mocha-isolation bisect: found in ${result.runs} runs.`,
    `  polluter: "${result.polluter}" (${result.files[0]})`,
    `  victim:   "${result.victim}" (${result.files.at(-1)})`,
    `  it left: ${result.polluterLeaks.length === 0 ? 'nothing the leak report watches (look for module state: a cache, a singleton, a registry it filled)' : result.polluterLeaks.map((leak) => `${leak.category} (${leak.detail})`).join('; ')}`,
    `  shows it: ${command(record, result.files, `^(${escapeRegExp(result.polluter)}|${escapeRegExp(result.victim)})$`)}`,
  ];
}
