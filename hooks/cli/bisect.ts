// `mocha-isolation bisect`: finds which test, run before a failing one, makes it fail. Runs in: the command's
// process, spawning mocha serially with the recorded run's files, seed, shuffle level and launcher (replay.ts).

import { escapeRegExp, runMochaReport } from './mocha-process';
import { recordedFailures, replayArguments, replayCommand, replayEnvironment } from './replay';
import type { RunRecord } from '../main/run-record';
import type { Leak } from '../shared/leak-report';

type Print = (line: string) => void;

/** Three times what these files took in the recorded run, and never under 30 s (a cold start, a loaded machine). */
export function runLimitMs(files: ReadonlyArray<{ ms?: number }>): number {
  const recorded = files.reduce((sum, file) => sum + (file.ms ?? 1_000), 0);
  return Math.max(30_000, 3 * recorded + 10_000);
}

export interface BisectResult {
  victim: string;
  /** The smallest set of tests found whose running before the victim makes it fail (usually one). */
  polluters: string[];
  /** The files to run to show it: the polluters' files in the order the worker ran them, then the victim's. */
  files: string[];
  /** Each polluter's file. */
  polluterFiles: Record<string, string>;
  runs: number;
  /** `polluted`: found (for a predecessor, the tests it needs); `fails-alone`/`passes-alone`: no other test is to blame. */
  verdict: 'polluted' | 'fails-alone' | 'passes-alone' | 'does-not-reproduce';
  /** What the leak report says the polluters left behind, in the confirming run. */
  polluterLeaks: Leak[];
}

/**
 * The smallest subset of `candidates` that, added to `required`, still makes `fails` true, assuming `fails`
 * is true for `required` plus all candidates. When neither half does it alone, the pollution needs something
 * from both halves: each half is then searched with the other kept. One polluter costs log2(candidates) runs;
 * each further one about as many again.
 */
export async function smallestFailingSet<T>(
  candidates: readonly T[],
  required: readonly T[],
  fails: (items: readonly T[]) => Promise<boolean>,
): Promise<T[]> {
  if (candidates.length <= 1) return [...candidates];
  const half = Math.ceil(candidates.length / 2);
  const first = candidates.slice(0, half);
  const second = candidates.slice(half);
  if (await fails([...required, ...first])) return smallestFailingSet(first, required, fails);
  if (await fails([...required, ...second])) return smallestFailingSet(second, required, fails);
  const fromFirst = await smallestFailingSet(first, [...required, ...second], fails);
  const fromSecond = await smallestFailingSet(second, [...required, ...fromFirst], fails);
  return [...fromFirst, ...fromSecond];
}

/** Plain halving, for one culprit: keeps the first half when it still fails, the second otherwise. */
async function halve<T>(candidates: readonly T[], fails: (items: readonly T[]) => Promise<boolean>): Promise<T[]> {
  let left = [...candidates];
  while (left.length > 1) {
    const first = left.slice(0, Math.ceil(left.length / 2));
    left = (await fails(first)) ? first : left.slice(first.length);
  }
  return left;
}

/**
 * What bisect looks for: `polluter`, the tests whose running before a failing test makes it fail; `predecessor`,
 * the tests a test needs to have run before it to pass (it fails alone, passed in the recorded run).
 */
export type BisectMode = 'polluter' | 'predecessor';

/**
 * Finds the tests whose running before `victim` makes it fail (or, `predecessor`, pass): first the files (among
 * those its worker ran before the victim's), then the tests inside them (with --grep). One culprit: log2(files) +
 * log2(tests) runs, plus four to check and confirm. When that culprit alone does not confirm, several tests do it
 * only together: they are searched again without that assumption (smallestFailingSet).
 */
export async function bisect(
  record: RunRecord,
  cwd: string,
  victimTitle: string | undefined,
  print: Print,
  mode: BisectMode = 'polluter',
): Promise<BisectResult> {
  const target = mode === 'polluter' ? failedTest(record, victimTitle) : passedTest(record, victimTitle as string);
  const worker = record.workers[target.worker] as RunRecord['workers'][number];
  const victimFile = worker.files[target.file]?.file as string;
  const victim = target.title;
  const extra = replayArguments(record.command.args);
  const env = replayEnvironment(record);
  const culprit = mode === 'polluter' ? 'polluter' : 'predecessor';
  let runs = 0;
  let lastLeaks: Leak[] = [];
  // Every run has a time limit: a candidate file that leaves a timer or socket open keeps mocha from exiting.
  const limitMs = runLimitMs(worker.files.slice(0, target.file + 1));
  // Whether the victim ends as sought (fails, or passes for a predecessor) after these files and tests.
  const victimAsSought = async (files: readonly string[], grep: string | undefined, what: string): Promise<boolean> => {
    runs += 1;
    const report = await runMochaReport(
      cwd,
      ['--no-parallel', ...extra, ...(grep === undefined ? [] : ['--grep', grep]), ...new Set(files)],
      env,
      false,
      limitMs,
      record.command.launcher,
    );
    lastLeaks = report.leaks;
    const failed = report.failures.some((f) => f.fullTitle === victim);
    const stopped = report.stopped
      ? ` (mocha had not exited ${Math.round(limitMs / 1000)} s after it started: something a test left open kept it alive; it was stopped${report.reported ? ', and its results used' : ', before it reported: counted as passing'})`
      : '';
    print(`mocha-isolation bisect: run ${runs}: ${what}: the victim ${failed ? 'fails' : 'passes'}${stopped}`);
    return mode === 'polluter' ? failed : !failed && report.passes.some((p) => p.fullTitle === victim);
  };
  const only = (titles: readonly string[]): string => `^(${titles.map(escapeRegExp).join('|')})$`;
  const nothing = (verdict: BisectResult['verdict']): BisectResult => ({
    victim,
    polluters: [],
    files: [victimFile],
    polluterFiles: {},
    runs,
    verdict,
    polluterLeaks: [],
  });

  const where = `${record.parallel ? `worker ${worker.workerId}` : 'the serial run'} after ${target.file} other files`;
  print(
    `mocha-isolation bisect: ${mode === 'polluter' ? `victim "${victim}" (${victimFile}), which failed in ${where}` : `"${victim}" (${victimFile}), which passed in ${where}: which of them does it need?`}`,
  );
  if (await victimAsSought([victimFile], only([victim]), 'alone')) return nothing(mode === 'polluter' ? 'fails-alone' : 'passes-alone');

  // The files the worker ran before the victim's, in its order; the victim's own file if its earlier tests suffice.
  const fileOrder = worker.files.slice(0, target.file + 1).map((entry) => entry.file);
  const inOrder = (files: readonly string[]): string[] => fileOrder.filter((file) => files.includes(file));
  const candidates = fileOrder.slice(0, -1);
  const ownFile = await victimAsSought([victimFile], undefined, 'with the rest of its own file');
  if (
    !ownFile &&
    (candidates.length === 0 ||
      !(await victimAsSought([...candidates, victimFile], undefined, `after all ${candidates.length} files its worker ran before it`)))
  ) {
    return nothing('does-not-reproduce');
  }
  const filesFail = (files: readonly string[]): Promise<boolean> =>
    victimAsSought([...inOrder(files), victimFile], undefined, `after ${files.length} of ${candidates.length} candidate files`);

  // The tests of the guilty files that ran before the victim, in order (in its own file, only the earlier ones).
  const fileOf: Record<string, string> = {};
  const testsOf = (guiltyFiles: readonly string[]): { tests: string[]; fail: (tests: readonly string[]) => Promise<boolean> } => {
    const tests: string[] = [];
    for (const file of inOrder(guiltyFiles)) {
      const titles = (worker.files.find((entry) => entry.file === file)?.tests ?? []).map(([title]) => title);
      for (const title of file === victimFile ? titles.slice(0, titles.indexOf(victim)) : titles) {
        fileOf[title] = file;
        tests.push(title);
      }
    }
    const runFiles = [...inOrder(guiltyFiles), victimFile];
    return {
      tests,
      fail: (some) =>
        victimAsSought(
          runFiles,
          only([...some, victim]),
          `after ${some.length} of ${tests.length} candidate tests in ${guiltyFiles.join(', ')}`,
        ),
    };
  };
  const confirm = (polluters: readonly string[]): Promise<boolean> => {
    const files = [...inOrder(polluters.map((title) => fileOf[title] as string)), victimFile];
    return victimAsSought(
      files,
      only([...polluters, victim]),
      `after the ${polluters.length === 1 ? culprit : `${polluters.length} ${culprit}s`} alone (confirmation)`,
    );
  };

  // Usually one test is to blame: plain halving, log2 runs per level, checked once at the end.
  let guiltyFiles = ownFile ? [victimFile] : await halve(candidates, filesFail);
  let tests = testsOf(guiltyFiles);
  let polluters = await halve(tests.tests, tests.fail);
  let confirmed = polluters.length > 0 && (await confirm(polluters));
  if (!confirmed) {
    print('mocha-isolation bisect: no single test makes it fail; looking for tests that do it only together');
    guiltyFiles = ownFile ? [victimFile] : await smallestFailingSet(candidates, [], filesFail);
    tests = testsOf(guiltyFiles);
    polluters = await smallestFailingSet(tests.tests, [], tests.fail);
    confirmed = polluters.length > 0 && (await confirm(polluters));
  }
  if (!confirmed) return nothing('does-not-reproduce');
  const polluterFiles = Object.fromEntries(polluters.map((title) => [title, fileOf[title] as string]));
  return {
    victim,
    polluters,
    files: [...new Set([...inOrder(Object.values(polluterFiles)), victimFile])],
    polluterFiles,
    runs,
    verdict: 'polluted',
    polluterLeaks: lastLeaks.filter((leak) => polluters.includes(leak.test)),
  };
}

function failedTest(record: RunRecord, title: string | undefined): { worker: number; file: number; title: string } {
  const failures = recordedFailures(record);
  const target = title === undefined ? failures[0] : failures.find((f) => f.title === title);
  if (target === undefined) {
    throw new Error(
      title === undefined
        ? 'the recorded run had no failing test: nothing to bisect.'
        : `"${title}" did not fail in the recorded run. Name a test that failed, or run the suite again.`,
    );
  }
  return target;
}

function passedTest(record: RunRecord, title: string): { worker: number; file: number; title: string } {
  for (const [w, worker] of record.workers.entries()) {
    for (const [f, entry] of worker.files.entries()) {
      if (entry.tests.some(([test, outcome]) => test === title && outcome === 'passed')) return { worker: w, file: f, title };
    }
  }
  throw new Error(`"${title}" did not pass in the recorded run: nothing ran before it that it needs.`);
}

export function formatBisect(result: BisectResult, record: RunRecord): string[] {
  if (result.verdict === 'fails-alone') {
    return [
      `mocha-isolation bisect: "${result.victim}" fails alone, so no other test is to blame: ${replayCommand(record, result.files, `^${escapeRegExp(result.victim)}$`)} (${result.runs} runs)`,
    ];
  }
  if (result.verdict === 'does-not-reproduce' || result.polluters.length === 0) {
    return [
      `mocha-isolation bisect: "${result.victim}" passes alone and did not fail again when its worker's files were replayed serially (timing, not order?). ${result.runs} runs.`,
    ];
  }
  const several = result.polluters.length > 1;
  const left = (test: string): string => {
    const leaks = result.polluterLeaks.filter((leak) => leak.test === test);
    return leaks.length === 0
      ? 'nothing the leak report watches (look for module state: a cache, a singleton, a registry it filled)'
      : leaks.map((leak) => `${leak.category} (${leak.detail})`).join('; ');
  };
  return [
    `mocha-isolation bisect: found in ${result.runs} runs${several ? `: the victim fails only after all ${result.polluters.length} of these` : ''}.`,
    ...result.polluters.flatMap((test) => [`  polluter: "${test}" (${result.polluterFiles[test]})`, `  it left: ${left(test)}`]),
    `  victim:   "${result.victim}" (${result.files.at(-1)})`,
    `  shows it: ${replayCommand(record, result.files, `^(${[...result.polluters, result.victim].map(escapeRegExp).join('|')})$`)}`,
  ];
}
