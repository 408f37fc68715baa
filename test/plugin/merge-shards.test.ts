import { expect } from 'chai';
import { mergeShardRecords, MergeRefused, type ShardInput } from '../../hooks/cli/merge-shards';
import type { RunRecord } from '../../hooks/main/run-record';

// Issue 21 §1: what the merge refuses, and how it lays the jobs out (merge.test.ts runs it end to end).
const PLAN = [['a.spec.ts'], ['b.spec.ts'], ['c.spec.ts']];

function shard(
  index: number,
  change: { seed?: number; commit?: string; total?: number; plan?: string[][]; startedAt?: number; old?: boolean } = {},
): ShardInput {
  const startedAt = change.startedAt ?? 1_000_000;
  const file = PLAN[index - 1]?.[0] as string;
  const record: RunRecord = {
    version: 1,
    date: '2026-12-06T00:00:00.000Z',
    seed: change.seed ?? 7,
    shuffle: 'tests',
    command: { args: [], env: { ISOLATION_SHARD: `${index}/3`, ISOLATION_LEAKS: 'fail' } },
    parallel: true,
    workers: [
      { workerId: '0', pid: 1, files: [{ file, startedAt: startedAt + 10, ms: 100 * index, tests: [[`${file} works`, 'passed', 5]] }] },
    ],
    ...(change.old === true
      ? {}
      : {
          outcome: {
            startedAt,
            endedAt: startedAt + 200 * index,
            failures: [],
            failureCount: 0,
            leaks: [{ category: 'env', test: `${file} works`, file, detail: 'X', worker: 'worker 0' }],
            dropped: index === 2 ? 1 : 0,
            lost: [],
            commit: change.commit ?? 'c0ffee',
            shard: { index, total: change.total ?? 3, plan: change.plan ?? PLAN, expectedMs: [100, 100, 100] },
          },
        }),
  };
  return { source: `shard-${index}/last-run.json`, record };
}

const refusal = (inputs: ShardInput[]): string => {
  try {
    mergeShardRecords(inputs);
  } catch (error) {
    if (error instanceof MergeRefused) return error.message;
    throw error;
  }
  return 'merged';
};

describe('mergeShardRecords', () => {
  it('lays every job from one start, labels leaks by job, sums dropped tests, and drops ISOLATION_SHARD from the command', () => {
    const merged = mergeShardRecords([shard(2, { startedAt: 5_000_000 }), shard(1), shard(3, { startedAt: 9_000_000 })]);
    expect(merged.missing).to.deep.equal([]);
    expect(merged.record.workers.map((worker) => [worker.shard, worker.files[0]?.startedAt])).to.deep.equal([
      [1, 1_000_010],
      [2, 1_000_010],
      [3, 1_000_010],
    ]);
    expect(merged.record.outcome?.leaks.map((leak) => leak.worker)).to.deep.equal([
      'shard 1 worker 0',
      'shard 2 worker 0',
      'shard 3 worker 0',
    ]);
    expect(merged.record.outcome?.dropped).to.equal(1);
    expect(merged.record.outcome?.endedAt).to.equal(1_000_000 + 600);
    expect(merged.record.command.env).to.deep.equal({ ISOLATION_LEAKS: 'fail' });
    expect(merged.jobs.map((job) => job.wallMs)).to.deep.equal([200, 400, 600]);
  });

  it('names a missing shard with its planned files', () => {
    expect(mergeShardRecords([shard(1), shard(3)]).missing).to.deep.equal([{ index: 2, files: ['b.spec.ts'] }]);
  });

  it('refuses other seeds, commits, shard counts and plans, a shard given twice, and a record without an outcome', () => {
    expect(refusal([shard(1), shard(2, { seed: 8 })])).to.contain(
      'shard 2/3 (shard-2/last-run.json) ran with seed 8, shard 1/3 (shard-1/last-run.json) with 7',
    );
    expect(refusal([shard(1), shard(2, { commit: 'deadbeef' })])).to.contain(
      'tested commit deadbeef, shard 1/3 (shard-1/last-run.json) c0ffee: merge the shards of one commit.',
    );
    expect(refusal([shard(1), shard(2, { total: 4 })])).to.contain('is one of 4 shards, shard 1/3 (shard-1/last-run.json) one of 3');
    expect(refusal([shard(1), shard(2, { plan: [['a.spec.ts', 'b.spec.ts'], [], ['c.spec.ts']] })])).to.contain(
      'planned other files per shard',
    );
    expect(refusal([shard(1), { ...shard(1), source: 'copy/last-run.json' }])).to.contain(
      'shard 1 is given twice (shard-1/last-run.json and copy/last-run.json)',
    );
    expect(refusal([shard(1), shard(2, { old: true })])).to.contain('shard-2/last-run.json was written by an older mocha-isolation');
    expect(refusal([])).to.contain('no run records to merge');
  });
});
