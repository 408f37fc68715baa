// Joins the run records of CI shard jobs into one record: every job's workers as lanes laid from one start, every
// failure, leak and dropped test, and the shards that never reported, named with their files from the plan each
// record carries. Refuses records of different commits, seeds, shard counts or plans. Runs in: the
// `mocha-isolation merge` command's process. Pure: reading and writing files is merge-command.ts's.

import type { RunOutcome, RunRecord } from '../main/run-record';

export interface ShardInput {
  /** Where the record came from, as the user named it (for messages). */
  source: string;
  record: RunRecord;
}

export interface MergedRun {
  record: RunRecord;
  /** Shards of the plan with no record, with the files they were to run. */
  missing: Array<{ index: number; files: string[] }>;
  /** Files a reporting shard was planned to run and did not record (its run stopped, or it ran other files). */
  unrun: string[];
  /** Each job's wall time, and what the plan expected of it. */
  jobs: Array<{ index: number; wallMs: number; expectedMs?: number }>;
}

export class MergeRefused extends Error {}

/** The shard's number in messages: "shard 2/3 (path)". */
const named = (input: ShardInput): string => {
  const shard = input.record.outcome?.shard;
  return shard === undefined ? input.source : `shard ${shard.index}/${shard.total} (${input.source})`;
};

export function mergeShardRecords(inputs: readonly ShardInput[]): MergedRun {
  if (inputs.length === 0)
    throw new MergeRefused("no run records to merge: name the shard jobs' .mocha-isolation folders or their last-run.json files.");
  const outcomes = inputs.map((input) => {
    if (input.record.outcome === undefined)
      throw new MergeRefused(
        `${input.source} was written by an older mocha-isolation, without what a merge needs: run that shard again with this version.`,
      );
    return input.record.outcome;
  });
  const first = inputs[0] as ShardInput;
  const firstOutcome = outcomes[0] as RunOutcome;
  const refusals: string[] = [];
  for (const [i, input] of inputs.entries()) {
    const outcome = outcomes[i] as RunOutcome;
    if (input.record.seed !== first.record.seed) {
      refusals.push(
        `${named(input)} ran with seed ${input.record.seed}, ${named(first)} with ${first.record.seed}: the shards of one run share a seed (set ISOLATION_SEED the same in every job, or run them in one CI run, whose id gives the seed).`,
      );
    }
    if (outcome.commit !== undefined && firstOutcome.commit !== undefined && outcome.commit !== firstOutcome.commit) {
      refusals.push(
        `${named(input)} tested commit ${outcome.commit.slice(0, 12)}, ${named(first)} ${firstOutcome.commit.slice(0, 12)}: merge the shards of one commit.`,
      );
    }
    if ((outcome.shard === undefined) !== (firstOutcome.shard === undefined)) {
      refusals.push(
        `${named(input)} and ${named(first)}: one is a shard (ISOLATION_SHARD) and the other a whole run; merge the shards of one run.`,
      );
    } else if (outcome.shard !== undefined && firstOutcome.shard !== undefined) {
      if (outcome.shard.total !== firstOutcome.shard.total) {
        refusals.push(
          `${named(input)} is one of ${outcome.shard.total} shards, ${named(first)} one of ${firstOutcome.shard.total}: merge the shards of one run.`,
        );
      } else if (JSON.stringify(outcome.shard.plan) !== JSON.stringify(firstOutcome.shard.plan)) {
        refusals.push(
          `${named(input)} planned other files per shard than ${named(first)}: every job must plan from the same spec files and duration cache (restore the same cache in every job).`,
        );
      }
    }
  }
  const seen = new Map<number, string>();
  for (const input of inputs) {
    const index = input.record.outcome?.shard?.index;
    if (index === undefined) continue;
    const other = seen.get(index);
    if (other !== undefined) refusals.push(`shard ${index} is given twice (${other} and ${input.source}): name each shard's record once.`);
    seen.set(index, input.source);
  }
  if (refusals.length > 0) throw new MergeRefused(refusals.join('\n'));

  const ordered = [...inputs].sort((a, b) => (a.record.outcome?.shard?.index ?? 0) - (b.record.outcome?.shard?.index ?? 0));
  const base = Math.min(...outcomes.map((outcome) => outcome.startedAt));
  const plan = firstOutcome.shard;
  const jobs: MergedRun['jobs'] = [];
  const workers: RunRecord['workers'] = [];
  const recorded = new Set<string>();
  for (const [position, input] of ordered.entries()) {
    const outcome = input.record.outcome as RunOutcome;
    const index = outcome.shard?.index ?? position + 1;
    // Jobs run on their own machines and clocks: each one's lanes start where the merged run starts.
    const shift = base - outcome.startedAt;
    for (const worker of input.record.workers) {
      workers.push({
        ...worker,
        shard: index,
        files: worker.files.map((file) => ({ ...file, ...(file.startedAt === undefined ? {} : { startedAt: file.startedAt + shift }) })),
      });
      for (const file of worker.files) recorded.add(file.file);
    }
    const expectedMs = outcome.shard?.expectedMs[index - 1];
    jobs.push({ index, wallMs: outcome.endedAt - outcome.startedAt, ...(expectedMs === undefined ? {} : { expectedMs }) });
  }
  const missing =
    plan === undefined ? [] : plan.plan.map((files, i) => ({ index: i + 1, files })).filter((shard) => !seen.has(shard.index));
  const unrun =
    plan === undefined
      ? []
      : plan.plan
          .filter((_, i) => seen.has(i + 1))
          .flat()
          .filter((file) => !recorded.has(file));

  const label = (input: ShardInput, worker: string): string => `shard ${input.record.outcome?.shard?.index ?? '?'} ${worker}`;
  const { ISOLATION_SHARD: _shard, ...env } = first.record.command.env;
  const record: RunRecord = {
    version: 1,
    date: new Date().toISOString(),
    seed: first.record.seed,
    shuffle: first.record.shuffle,
    command: { ...first.record.command, env },
    parallel: inputs.some((input) => input.record.parallel),
    workers,
    outcome: {
      startedAt: base,
      endedAt: base + Math.max(...jobs.map((job) => job.wallMs)),
      failures: ordered.flatMap((input) => input.record.outcome?.failures ?? []),
      failureCount: outcomes.reduce((sum, outcome) => sum + outcome.failureCount, 0),
      leaks: ordered.flatMap((input) =>
        (input.record.outcome?.leaks ?? []).map((leak) => ({ ...leak, worker: label(input, leak.worker) })),
      ),
      dropped: outcomes.reduce((sum, outcome) => sum + outcome.dropped, 0),
      lost: ordered.flatMap((input) => input.record.outcome?.lost ?? []),
      ...(firstOutcome.commit === undefined ? {} : { commit: firstOutcome.commit }),
    },
  };
  return { record, missing, unrun, jobs };
}

/** A merged record's lane names: "shard 2 worker 1", "shard 3 serial". */
export function laneLabel(worker: RunRecord['workers'][number]): string | undefined {
  if (worker.shard === undefined) return undefined;
  return `shard ${worker.shard} ${worker.workerId === undefined ? 'serial' : `worker ${worker.workerId}`}`;
}
