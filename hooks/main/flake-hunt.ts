// `mocha-isolation repeat`: runs the suite several times with new seeds and says, per failing test, how often it
// failed, with which seeds, and whether it also fails alone (a flake of its own) or only after other tests
// (pollution). Runs in: its own process, spawning mocha; outside any mocha run.

import { chooseSeed } from '../ordering/shuffle';
import { escapeRegExp, type ReportedTest, runMochaReport } from './mocha-process';
import { shellCommand } from '../shared/shell-quote';

export interface RepeatOptions {
  seeds: number[];
  /** Extra mocha arguments, e.g. ['--no-parallel'] or files. */
  mochaArgs: string[];
  /** How many times a failing test is run alone before it is called pollution. */
  aloneRuns: number;
  cwd: string;
  print: (line: string) => void;
}

type Failure = ReportedTest;

interface TestRecord extends Failure {
  seeds: number[];
}

export interface RepeatResult {
  runs: number;
  failing: Array<TestRecord & { failsAlone: boolean; aloneSeed: number | undefined }>;
}

export function seedsFor(runs: number, given: string | undefined): number[] {
  if (given !== undefined) return given.split(',').filter(Boolean).map(Number);
  return Array.from({ length: runs }, () => chooseSeed());
}

export async function repeat(options: RepeatOptions): Promise<RepeatResult> {
  const { seeds, mochaArgs, cwd, print } = options;
  const records = new Map<string, TestRecord>();
  for (const [index, seed] of seeds.entries()) {
    const failures = await failuresOf(cwd, seed, mochaArgs);
    print(`mocha-isolation repeat: run ${index + 1}/${seeds.length}, seed ${seed}: ${failures.length === 0 ? 'passed' : `${failures.length} failed`}`);
    for (const failure of failures) {
      const key = `${failure.file}\0${failure.fullTitle}`;
      const record = records.get(key) ?? { ...failure, seeds: [] };
      record.seeds.push(seed);
      records.set(key, record);
    }
  }
  const failing: RepeatResult['failing'] = [];
  for (const record of records.values()) {
    let aloneSeed: number | undefined;
    for (const seed of [...record.seeds, ...seeds].slice(0, options.aloneRuns)) {
      const alone = await failuresOf(cwd, seed, ['--no-parallel', '--grep', `^${escapeRegExp(record.fullTitle)}$`, record.file]);
      if (alone.some((f) => f.fullTitle === record.fullTitle)) {
        aloneSeed = seed;
        break;
      }
    }
    failing.push({ ...record, failsAlone: aloneSeed !== undefined, aloneSeed });
  }
  return { runs: seeds.length, failing };
}

export function formatRepeat(result: RepeatResult, mochaArgs: readonly string[]): string[] {
  if (result.failing.length === 0) return [`mocha-isolation repeat: ${result.runs === 1 ? 'the run' : `all ${result.runs} runs`} passed.`];
  const lines = [`mocha-isolation repeat: ${result.failing.length} test${result.failing.length === 1 ? '' : 's'} failed in some of ${result.runs} runs:`];
  for (const test of result.failing) {
    const head = `  "${test.fullTitle}" (${test.file}): failed ${test.seeds.length} of ${result.runs} runs (seeds ${test.seeds.join(', ')})`;
    if (test.failsAlone) {
      const alone = shellCommand({ ISOLATION_SEED: String(test.aloneSeed) }, ['npx', 'mocha', '--no-parallel', test.file, '--grep', `^${escapeRegExp(test.fullTitle)}$`]);
      lines.push(`${head}; it fails alone too: a flake of its own. Alone: ${alone}`);
    } else {
      // As repeat ran it: its runs plan without the project's duration cache, which would change a parallel order.
      const reproduce = shellCommand({ ISOLATION_SEED: String(test.seeds[0]), ISOLATION_DURATIONS: 'off' }, ['npx', 'mocha', ...mochaArgs]);
      lines.push(`${head}; it passes alone, so another test pollutes it. Reproduce: ${reproduce}, then find the polluter: ${shellCommand({}, ['npx', 'mocha-isolation', 'bisect', '--test', test.fullTitle])}`);
    }
  }
  return lines;
}

async function failuresOf(cwd: string, seed: number, args: readonly string[]): Promise<Failure[]> {
  const report = await runMochaReport(cwd, args, { ISOLATION_SEED: String(seed) });
  return report.reported ? report.failures : [{ fullTitle: 'the run itself (it wrote no report)', file: '' }];
}
