// `mocha-isolation repeat`: runs the suite several times with new seeds and says, per failing test, how often it
// failed, with which seeds, and which of four it is: polluted by another test (passes alone), a flake of its own
// (fails alone some of the time), dependent on another test having run first (fails alone every time, passed after
// other tests: that test is named, as bisect would), or broken (fails every time, alone too). Runs in: its own
// process, spawning mocha; outside any mocha run.

import { chooseSeed } from '../shared/shuffle';
import { bisect, type BisectResult } from './bisect';
import { escapeRegExp, type ReportedTest, runMochaReport } from './mocha-process';
import { replayCommand } from './replay';
import type { RunRecord } from '../main/run-record';
import { DEFAULT_LAUNCHER } from '../main/invocation/launcher';
import { shellCommand } from '../shared/shell-quote';

export interface RepeatOptions {
  seeds: number[];
  /** Extra mocha arguments, e.g. ['--no-parallel'] or files. */
  mochaArgs: string[];
  /** How many times a failing test is run alone. */
  aloneRuns: number;
  cwd: string;
  print: (line: string) => void;
  /** The words that start mocha (the last run's launcher), `npx mocha` when absent. */
  launcher?: string[];
  /** The variables set for the repeat command, for the commands it prints. */
  variables?: PrintedVariables;
}

interface TestRecord extends ReportedTest {
  seeds: number[];
}

export type RepeatVerdict = 'polluted' | 'flaky' | 'needs-predecessor' | 'broken';

export interface RepeatedFailure extends TestRecord {
  verdict: RepeatVerdict;
  /** How many of its runs alone failed, and the seed of the first that did. */
  aloneFailures: number;
  aloneRuns: number;
  aloneSeed: number | undefined;
  /** For `needs-predecessor`: what bisect found in a run where it passed, and that run's record. */
  predecessor?: { result: BisectResult; record: RunRecord };
}

export interface RepeatResult {
  runs: number;
  failing: RepeatedFailure[];
}

/** Variables printed with every command: those set for the `repeat` command, and secrets asked for by name. */
export interface PrintedVariables {
  values: Record<string, string>;
  secrets: string[];
}

export function seedsFor(runs: number, given: string | undefined): number[] {
  if (given !== undefined) return given.split(',').filter(Boolean).map(Number);
  return Array.from({ length: runs }, () => chooseSeed());
}

export async function repeat(options: RepeatOptions): Promise<RepeatResult> {
  const { seeds, mochaArgs, cwd, print, launcher } = options;
  const records = new Map<string, TestRecord>();
  const runRecords = new Map<number, RunRecord>();
  for (const [index, seed] of seeds.entries()) {
    const report = await runMochaReport(cwd, mochaArgs, { ISOLATION_SEED: String(seed) }, false, undefined, launcher);
    const failures = report.reported ? report.failures : [{ fullTitle: 'the run itself (it wrote no report)', file: '' }];
    if (report.record !== undefined) runRecords.set(seed, report.record);
    print(
      `mocha-isolation repeat: run ${index + 1}/${seeds.length}, seed ${seed}: ${failures.length === 0 ? 'passed' : `${failures.length} failed`}`,
    );
    for (const failure of failures) {
      const key = `${failure.file}\0${failure.fullTitle}`;
      const record = records.get(key) ?? { ...failure, seeds: [] };
      record.seeds.push(seed);
      records.set(key, record);
    }
  }
  const failing: RepeatedFailure[] = [];
  for (const record of records.values()) {
    // Alone with a seed it failed with, then with those it passed with: a test that needs another to run first
    // fails alone whatever the seed; one that depends on the seed (or the clock) passes alone some of the time.
    const passedWith = seeds.filter((seed) => !record.seeds.includes(seed));
    const aloneSeeds = [...new Set([record.seeds[0] as number, ...passedWith, ...record.seeds])];
    while (aloneSeeds.length < options.aloneRuns) aloneSeeds.push(chooseSeed());
    let aloneFailures = 0;
    let aloneSeed: number | undefined;
    for (const seed of aloneSeeds.slice(0, options.aloneRuns)) {
      const alone = await runMochaReport(
        cwd,
        ['--no-parallel', '--grep', `^${escapeRegExp(record.fullTitle)}$`, record.file],
        { ISOLATION_SEED: String(seed) },
        false,
        undefined,
        launcher,
      );
      if (!alone.reported || alone.failures.some((f) => f.fullTitle === record.fullTitle)) {
        aloneFailures += 1;
        aloneSeed ??= seed;
      }
    }
    const verdict: RepeatVerdict =
      aloneFailures === 0
        ? 'polluted'
        : aloneFailures < options.aloneRuns
          ? 'flaky'
          : passedWith.length > 0
            ? 'needs-predecessor'
            : 'broken';
    const failure: RepeatedFailure = { ...record, verdict, aloneFailures, aloneRuns: options.aloneRuns, aloneSeed };
    if (verdict === 'needs-predecessor') failure.predecessor = await findPredecessor(record.fullTitle, passedWith, runRecords, options);
    failing.push(failure);
  }
  return { runs: seeds.length, failing };
}

/** In the first run where the test passed, the tests it needs to have run before it (bisect's predecessor mode). */
async function findPredecessor(
  title: string,
  passedWith: readonly number[],
  runRecords: ReadonlyMap<number, RunRecord>,
  options: RepeatOptions,
): Promise<RepeatedFailure['predecessor']> {
  const seed = passedWith.find((candidate) =>
    runRecords
      .get(candidate)
      ?.workers.some((worker) => worker.files.some((file) => file.tests.some(([test, outcome]) => test === title && outcome === 'passed'))),
  );
  const recorded = seed === undefined ? undefined : runRecords.get(seed);
  if (recorded === undefined) return undefined;
  // As repeat ran it: its arguments and launcher, the run's seed, no duration cache.
  const { values = {}, secrets = [] } = options.variables ?? {};
  const launcher = options.launcher === undefined ? {} : { launcher: options.launcher };
  const record: RunRecord = {
    ...recorded,
    command: { args: options.mochaArgs, env: values, ...launcher, ...(secrets.length === 0 ? {} : { secrets }) },
  };
  options.print(
    `mocha-isolation repeat: "${title}" fails alone every time but passed with seed ${seed}: looking for the test it needs to run first`,
  );
  const result = await bisect(record, options.cwd, title, options.print, 'predecessor');
  return { result, record };
}

export function formatRepeat(
  result: RepeatResult,
  mochaArgs: readonly string[],
  launcher: readonly string[] = DEFAULT_LAUNCHER,
  variables: PrintedVariables = { values: {}, secrets: [] },
): string[] {
  if (result.failing.length === 0) return [`mocha-isolation repeat: ${result.runs === 1 ? 'the run' : `all ${result.runs} runs`} passed.`];
  const command = (env: Record<string, string>, words: readonly string[]): string =>
    shellCommand({ ...variables.values, ...env }, [...launcher, ...words], variables.secrets);
  const lines = [
    `mocha-isolation repeat: ${result.failing.length} test${result.failing.length === 1 ? '' : 's'} failed in some of ${result.runs} runs:`,
  ];
  for (const test of result.failing) {
    const head = `  "${test.fullTitle}" (${test.file}): failed ${test.seeds.length} of ${result.runs} runs (seeds ${test.seeds.join(', ')})`;
    const alone = command({ ISOLATION_SEED: String(test.aloneSeed) }, [
      '--no-parallel',
      test.file,
      '--grep',
      `^${escapeRegExp(test.fullTitle)}$`,
    ]);
    const aloneCount = `${test.aloneFailures} of ${test.aloneRuns} runs alone`;
    if (test.verdict === 'flaky') {
      lines.push(`${head}; it fails alone too (${aloneCount}): a flake of its own. Alone: ${alone}`);
    } else if (test.verdict === 'broken') {
      lines.push(`${head}; it fails alone too (${aloneCount}): not a flake, it fails every time. Alone: ${alone}`);
    } else if (test.verdict === 'needs-predecessor') {
      lines.push(`${head}; ${formatPredecessor(test, aloneCount)} Alone: ${alone}`);
    } else {
      // As repeat ran it: its runs plan without the project's duration cache, which would change a parallel order.
      const reproduce = command({ ISOLATION_SEED: String(test.seeds[0]), ISOLATION_DURATIONS: 'off' }, mochaArgs);
      lines.push(
        `${head}; it passes alone, so another test pollutes it. Reproduce: ${reproduce}, then find the polluter: ${shellCommand({}, ['npx', 'mocha-isolation', 'bisect', '--test', test.fullTitle])}`,
      );
    }
  }
  return lines;
}

function formatPredecessor(test: RepeatedFailure, aloneCount: string): string {
  const found = test.predecessor?.result;
  const record = test.predecessor?.record;
  const passed = `it fails alone every time (${aloneCount}) and passed in the other runs, after other tests`;
  if (found === undefined || record === undefined)
    return `${passed}: it depends on a test having run before it (no record of a passing run to find which).`;
  if (found.verdict !== 'polluted')
    return `${passed}, but no test run before it made it pass when its worker's files were replayed serially (timing, not order?).`;
  const needed = found.polluters.map((title) => `"${title}" (${found.polluterFiles[title]})`).join(' and ');
  const grep = `^(${[...found.polluters, found.victim].map(escapeRegExp).join('|')})$`;
  return `${passed}: it depends on ${needed} having run first (found in ${found.runs} runs). Passes after it: ${replayCommand(record, found.files, grep)}.`;
}
