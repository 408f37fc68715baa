// The JUnit XML of a merged run: one <testsuite> per spec file (its path in `file` and `name`, as CI timing
// splitters read them), each test once with its time, a failure with its message, diff and stack, and one error
// per file of a shard that never reported. Runs in: the `mocha-isolation merge` command's process. Pure.

import type { FailureDetail } from '../main/report/report-model';
import type { RunRecord } from '../main/run-record';

const xml = (text: string): string =>
  text
    // Characters XML 1.0 cannot hold at all (control characters from a terminal's colours, say).
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

const seconds = (ms: number | undefined): string => ((ms ?? 0) / 1000).toFixed(3);

export interface JunitCounts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

export function renderJunit(
  record: RunRecord,
  missing: ReadonlyArray<{ index: number; files: string[] }>,
): { text: string; counts: JunitCounts } {
  const details = new Map<string, FailureDetail>();
  for (const detail of record.outcome?.failures ?? []) details.set(`${detail.file}\n${detail.title}`, detail);
  const counts: JunitCounts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const suites: string[] = [];
  for (const worker of record.workers) {
    for (const entry of worker.files) {
      let failures = 0;
      let skipped = 0;
      const cases = entry.tests.map(([title, outcome, ms]) => {
        const head = `    <testcase classname="${xml(entry.file)}" name="${xml(title)}" file="${xml(entry.file)}" time="${seconds(ms)}"`;
        if (outcome === 'pending') {
          skipped += 1;
          return `${head}><skipped/></testcase>`;
        }
        if (outcome === 'passed') return `${head}/>`;
        failures += 1;
        const detail = details.get(`${entry.file}\n${title}`);
        const message = detail?.message ?? "failed (its error is not in the record: a record keeps the first 100 failures' errors)";
        const diff = detail?.expected === undefined ? '' : `\n+ expected - actual\n-${detail.actual ?? ''}\n+${detail.expected}`;
        return `${head}><failure message="${xml(message.split('\n')[0] ?? '')}">${xml(`${message}${diff}${detail?.stack === undefined ? '' : `\n${detail.stack}`}`)}</failure></testcase>`;
      });
      counts.tests += entry.tests.length;
      counts.failures += failures;
      counts.skipped += skipped;
      suites.push(
        `  <testsuite name="${xml(entry.file)}" file="${xml(entry.file)}" tests="${entry.tests.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(entry.ms)}">\n${cases.join('\n')}\n  </testsuite>`,
      );
    }
  }
  for (const shard of missing) {
    for (const file of shard.files) {
      counts.tests += 1;
      counts.errors += 1;
      const message = `did not run: shard ${shard.index} never reported (its job was cancelled or crashed, or its record was not uploaded)`;
      suites.push(
        `  <testsuite name="${xml(file)}" file="${xml(file)}" tests="1" failures="0" errors="1" skipped="0" time="0.000">\n    <testcase classname="${xml(file)}" name="${xml(`${file} did not run`)}" file="${xml(file)}" time="0.000"><error message="${xml(message)}"/></testcase>\n  </testsuite>`,
      );
    }
  }
  const wall = record.outcome === undefined ? 0 : record.outcome.endedAt - record.outcome.startedAt;
  const text = `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="mocha-isolation merge" tests="${counts.tests}" failures="${counts.failures}" errors="${counts.errors}" skipped="${counts.skipped}" time="${seconds(wall)}">\n${suites.join('\n')}\n</testsuites>\n`;
  return { text, counts };
}
