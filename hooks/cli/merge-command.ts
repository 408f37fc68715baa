// `mocha-isolation merge`: reads the run records of CI shard jobs, joins them (merge-shards.ts) and writes the one
// view of the whole run into --out: last-run.json (replay and bisect read it), report.html, junit.xml, leaks.json
// and durations.json (the duration cache for the next run). Runs in: the command's own process.
// Exits 1 when a shard never reported, a planned file did not run, or a test failed; 2 when it refuses.

import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_DURATIONS_FILE, ENV } from '../config';
import { shellCommand } from '../shared/shell-quote';
import { readDurations, updateDurations } from '../main/scheduling/duration-cache';
import { renderJunit } from './junit-file';
import { laneLabel, mergeShardRecords, MergeRefused, type MergedRun, type ShardInput } from './merge-shards';
import { writeRunReport } from '../main/report/write-report';
import { readRunRecord, writeRunRecord } from '../main/run-record';
import { describeOrder } from '../main/invocation/seed-line';

export const DEFAULT_MERGE_DIR = path.join('.mocha-isolation', 'merged');
const RECORD = 'last-run.json';

type Print = (line: string) => void;

export interface MergeOptions {
  inputs: string[];
  out: string;
  /** The duration cache the shards planned from (default: the first input folder's, else the project's). */
  durations?: string;
  cwd: string;
  print: Print;
}

/**
 * The record files an input names: a file as is; a folder's last-run.json; else the last-run.json of its
 * subfolders (an artifact download puts each job's upload in a folder of its own), three levels down at most.
 */
export function recordFiles(input: string, cwd: string): string[] {
  const full = path.resolve(cwd, input);
  if (!fs.existsSync(full))
    throw new MergeRefused(
      `"${input}" does not exist: name the shard jobs' downloaded .mocha-isolation folders or their last-run.json files.`,
    );
  if (fs.statSync(full).isFile()) return [full];
  const found: string[] = [];
  const visit = (dir: string, depth: number): void => {
    if (fs.existsSync(path.join(dir, RECORD))) {
      found.push(path.join(dir, RECORD));
      return;
    }
    if (depth === 3) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (entry.isDirectory() && entry.name !== 'node_modules') visit(path.join(dir, entry.name), depth + 1);
    }
  };
  visit(full, 0);
  if (found.length === 0)
    throw new MergeRefused(
      `"${input}" holds no ${RECORD} (in it or its subfolders): a shard job writes it into .mocha-isolation/; upload that folder.`,
    );
  return found;
}

export function mergeCommand(options: MergeOptions): number {
  const { cwd, print } = options;
  let merged: MergedRun;
  let inputs: ShardInput[];
  try {
    const files = [...new Set(options.inputs.flatMap((input) => recordFiles(input, cwd)))];
    inputs = files.map((file) => {
      try {
        return { source: path.relative(cwd, file) || file, record: readRunRecord(file) };
      } catch (error) {
        throw new MergeRefused((error as Error).message);
      }
    });
    merged = mergeShardRecords(inputs);
  } catch (error) {
    if (!(error instanceof MergeRefused)) throw error;
    for (const line of error.message.split('\n')) print(`mocha-isolation merge: ${line}`);
    return 2;
  }

  const out = path.resolve(cwd, options.out);
  fs.mkdirSync(out, { recursive: true });
  const recordFile = path.join(out, RECORD);
  writeRunRecord(recordFile, merged.record);
  const outcome = merged.record.outcome;
  fs.writeFileSync(path.join(out, 'leaks.json'), `${JSON.stringify({ version: 1, leaks: outcome?.leaks ?? [] }, null, 2)}\n`);
  const junit = renderJunit(merged.record, merged.missing);
  fs.writeFileSync(path.join(out, 'junit.xml'), junit.text);
  const durations = writeDurations(options, inputs, merged, out);

  const relativeRecord = path.relative(cwd, recordFile);
  const replay = shellCommand({}, ['npx', 'mocha-isolation', 'replay', relativeRecord]);
  const firstFailure = outcome?.failures.find((failure) => !failure.title.endsWith(' failed to load'))?.title;
  const bisect =
    firstFailure === undefined
      ? undefined
      : shellCommand({}, ['npx', 'mocha-isolation', 'bisect', '--record', relativeRecord, '--test', firstFailure]);
  writeRunReport(path.join(out, 'report.html'), {
    seed: merged.record.seed,
    order: `${merged.jobs.length} shards merged; ${describeOrder(merged.record.shuffle, merged.record.command.files)}`,
    commands: { reproduce: replay, ...(junit.counts.failures > 0 ? { replay, ...(bisect === undefined ? {} : { bisect }) } : {}) },
    startedAt: outcome?.startedAt ?? Date.now(),
    endedAt: outcome?.endedAt ?? Date.now(),
    workers: merged.record.workers.map((worker) => ({
      workerId: worker.workerId,
      files: worker.files,
      label: laneLabel(worker) ?? 'serial',
    })),
    leaks: outcome?.leaks ?? [],
    dropped: outcome?.dropped ?? 0,
    lost: [...(outcome?.lost ?? []), ...merged.unrun.map((file) => `${file}: planned, and no shard ran it`)],
    failureDetails: outcome?.failures ?? [],
    failureCount: outcome?.failureCount ?? 0,
    shards: { jobs: merged.jobs, missing: merged.missing },
  });

  const { counts } = junit;
  const passed = counts.tests - counts.failures - counts.errors - counts.skipped;
  print(
    `mocha-isolation merge: ${merged.jobs.length} shard records, seed ${merged.record.seed}: ${passed} passed, ${counts.failures} failed, ${counts.skipped} pending${counts.errors > 0 ? `, ${counts.errors} files did not run` : ''}.`,
  );
  const walls = merged.jobs.map((job) => job.wallMs);
  const mean = walls.reduce((sum, ms) => sum + ms, 0) / walls.length;
  print(
    `  shard balance: the slowest job took ${(Math.max(...walls) / mean).toFixed(2)}× the mean (${(Math.max(...walls) / 1000).toFixed(1)} s against ${(mean / 1000).toFixed(1)} s).`,
  );
  for (const shard of merged.missing) {
    print(
      `  shard ${shard.index} never reported (its job was cancelled or crashed, or its record was not uploaded); its ${shard.files.length} files did not run: ${shard.files.join(', ')}`,
    );
  }
  if (merged.unrun.length > 0) print(`  planned and run by no shard: ${merged.unrun.join(', ')}`);
  if (counts.failures > 0)
    print(
      `  run a failed shard's tests again exactly: ${replay}${bisect === undefined ? '' : `\n  find a test that polluted the first: ${bisect}`}`,
    );
  print(
    `  wrote ${path.relative(cwd, out) || out}/: report.html, junit.xml, ${RECORD}, leaks.json${durations === undefined ? '' : ', durations.json (the cache for the next run)'}`,
  );
  return merged.missing.length > 0 || merged.unrun.length > 0 || counts.failures > 0 || (outcome?.lost.length ?? 0) > 0 ? 1 : 0;
}

/**
 * The duration cache for the next run: the cache the shards planned from, with every file's measured time
 * folded in (as each run folds its own). The base is --durations, else a durations.json beside the first record,
 * else the project's cache (ISOLATION_DURATIONS or the default), when there is one.
 */
function writeDurations(options: MergeOptions, inputs: readonly ShardInput[], merged: MergedRun, out: string): string | undefined {
  const besideFirst =
    inputs[0] === undefined ? undefined : path.join(path.dirname(path.resolve(options.cwd, inputs[0].source)), 'durations.json');
  const setting = process.env[ENV.durations];
  const projectCache = setting === 'off' ? undefined : path.resolve(options.cwd, setting ?? DEFAULT_DURATIONS_FILE);
  const base = options.durations ?? [besideFirst, projectCache].find((file) => file !== undefined && fs.existsSync(file));
  const target = path.join(out, 'durations.json');
  if (base !== undefined && path.resolve(options.cwd, base) !== target) {
    fs.copyFileSync(path.resolve(options.cwd, base), target);
  }
  const measured = new Map<string, number>();
  for (const worker of merged.record.workers) for (const file of worker.files) if (file.ms !== undefined) measured.set(file.file, file.ms);
  // Files are kept only while they exist, so a merge run outside the project would empty the cache.
  updateDurations(target, measured, options.cwd);
  return readDurations(target, () => undefined).size > 0 ? target : undefined;
}
