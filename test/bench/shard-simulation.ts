// Issue 21 §3: sharding on paper. Plans 5,000 spec files with a realistic spread of durations (lognormal, a few
// files far longer) over 4, 16 and 64 CI shards and prints, per count, the slowest shard over the mean: with a
// warm duration cache (last run's times, each off by up to ~10%), with a quarter of the files new (no time
// yet), and split by file count (what a splitter without times does). Then merges 64 shard records of those
// 5,000 files (10 tests each) with `mocha-isolation merge` in a child process: its time and peak memory.
// "Warm" is given twice: a cache that holds the times the run will take, and one off by ~10% per file (a long
// file's own run-to-run spread), which is what a real cache is; the long files then set the slowest shard.
// Not a test: one run, ratios printed. `npm run bench:shards`.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunRecord } from '../../hooks/main/run-record';
import { createRandom } from '../../hooks/shared/shuffle';
import { planShards } from '../../hooks/main/scheduling/shards';

const FILES = 5000;
const COUNTS = [4, 16, 64];
const REPO = path.resolve(__dirname, '../..');

function normal(next: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

// The plugin's own seeded generator: the same suite on every machine.
const next = createRandom(21);
const files = Array.from(
  { length: FILES },
  (_, i) => `test/${['api', 'db', 'jobs', 'ui', 'lib'][i % 5]}/file-${String(i).padStart(4, '0')}.spec.ts`,
);
// Median 0.8 s, most files between 0.3 and 2 s; 1 in 500 files is 30 to 100 times the median (an end-to-end file).
const truth = new Map(files.map((file) => [file, next() < 0.002 ? 800 * (30 + 70 * next()) : 800 * Math.exp(0.9 * normal(next))]));
const warmCache = new Map([...truth].map(([file, ms]) => [file, ms * (1 + 0.1 * normal(next))]));
const partCache = new Map([...warmCache].filter(() => next() >= 0.25));

/** The slowest shard's true time over the mean, for a plan made from `cache`. */
function balance(cache: Map<string, number>, shards: number): { ratio: number; slowestS: number; meanS: number } {
  const plan = planShards(files, cache, shards);
  const loads = plan.shards.map((group) => group.reduce((sum, file) => sum + (truth.get(file) ?? 0), 0));
  const mean = loads.reduce((a, b) => a + b, 0) / loads.length;
  const slowest = Math.max(...loads);
  return { ratio: slowest / mean, slowestS: slowest / 1000, meanS: mean / 1000 };
}

/** Contiguous chunks of the sorted list: what a splitter by file count gives. */
function byCount(shards: number): number {
  const sorted = [...files].sort();
  const size = Math.ceil(sorted.length / shards);
  const loads = Array.from({ length: shards }, (_, i) =>
    sorted.slice(i * size, (i + 1) * size).reduce((sum, file) => sum + (truth.get(file) ?? 0), 0),
  );
  return Math.max(...loads) / (loads.reduce((a, b) => a + b, 0) / shards);
}

const total = [...truth.values()].reduce((a, b) => a + b, 0);
const longest = Math.max(...truth.values());
console.log(
  `${FILES} files, ${(total / 1000 / 60).toFixed(0)} min in all, longest file ${(longest / 1000).toFixed(0)} s (a shard can be no shorter).`,
);
console.log('');
console.log('Slowest shard over the mean, by what the plan knew:');
console.log('');
console.log('| shards | exact times | times ±10% | a quarter new (±10%) | by file count, no times | slowest shard (±10%) | lower bound |');
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const shards of COUNTS) {
  const exact = balance(truth, shards);
  const warm = balance(warmCache, shards);
  const part = balance(partCache, shards);
  const bound = Math.max(total / shards, longest) / 1000;
  console.log(
    `| ${shards} | ${exact.ratio.toFixed(3)} | ${warm.ratio.toFixed(3)} | ${part.ratio.toFixed(3)} | ${byCount(shards).toFixed(3)} | ${warm.slowestS.toFixed(0)} s | ${bound.toFixed(0)} s |`,
  );
}

// The merge of 64 records of those files, each shard's files on two workers, 10 tests a file.
const SHARDS = 64;
const plan = planShards(files, warmCache, SHARDS);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'shard-simulation-'));
try {
  const started = Date.parse('2026-12-06T10:00:00Z');
  for (const [i, group] of plan.shards.entries()) {
    const workers: RunRecord['workers'] = [0, 1].map((w) => {
      let at = started;
      return {
        workerId: String(w),
        pid: 1000 + i * 2 + w,
        files: group
          .filter((_, j) => j % 2 === w)
          .map((file) => {
            const ms = truth.get(file) ?? 0;
            const entry = {
              file,
              startedAt: at,
              ms,
              rssMb: 120,
              tests: Array.from(
                { length: 10 },
                (_, t) => [`${file} test ${t}`, t === 9 && i === 5 ? 'failed' : 'passed', ms / 10] as [string, 'passed' | 'failed', number],
              ),
            };
            at += ms;
            return entry;
          }),
      };
    });
    const record: RunRecord = {
      version: 1,
      date: new Date(started).toISOString(),
      seed: 42,
      shuffle: 'tests',
      command: { args: [], env: { ISOLATION_SHARD: `${i + 1}/${SHARDS}` }, files: 'shuffled' },
      parallel: true,
      workers,
      outcome: {
        startedAt: started,
        endedAt: started + Math.max(...workers.map((worker) => worker.files.reduce((sum, file) => sum + (file.ms ?? 0), 0))),
        failures: [],
        failureCount: i === 5 ? 1 : 0,
        leaks: [],
        dropped: 0,
        lost: [],
        commit: 'f'.repeat(40),
        shard: { index: i + 1, total: SHARDS, plan: plan.shards, expectedMs: plan.loads },
      },
    };
    fs.mkdirSync(path.join(work, `shard-${i + 1}`));
    fs.writeFileSync(path.join(work, `shard-${i + 1}`, 'last-run.json'), JSON.stringify(record));
  }
  const script = `const started = performance.now();
const code = require(${JSON.stringify(path.join(REPO, 'hooks/cli/merge-command'))}).mergeCommand({ inputs: [${JSON.stringify(work)}], out: ${JSON.stringify(path.join(work, 'merged'))}, cwd: ${JSON.stringify(work)}, print: () => undefined });
process.stdout.write(JSON.stringify({ code, ms: performance.now() - started, maxRssKb: process.resourceUsage().maxRSS }));`;
  const run = spawnSync(process.execPath, ['-r', '@swc/register', '-e', script], { cwd: REPO, encoding: 'utf8' });
  if (run.status !== 0 && run.status !== 1) throw new Error(`the merge failed:\n${run.stderr}`);
  const result = JSON.parse(run.stdout) as { code: number; ms: number; maxRssKb: number };
  const bytes = fs
    .readdirSync(work)
    .filter((name) => name.startsWith('shard-'))
    .reduce((sum, name) => sum + fs.statSync(path.join(work, name, 'last-run.json')).size, 0);
  console.log('');
  console.log(
    `merge of ${SHARDS} records × ${FILES} files (${FILES * 10} tests, ${(bytes / 1024 / 1024).toFixed(1)} MB of records): ${(result.ms / 1000).toFixed(2)} s, peak RSS ${(result.maxRssKb / 1024).toFixed(0)} MB ` +
      `(the process, Node included; targets: under 2 s and 200 MB). Report ${(fs.statSync(path.join(work, 'merged', 'report.html')).size / 1024).toFixed(0)} KB, JUnit ${(fs.statSync(path.join(work, 'merged', 'junit.xml')).size / 1024 / 1024).toFixed(1)} MB.`,
  );
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
