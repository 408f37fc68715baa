// mochaGlobalSetup/Teardown. Runs in: main process, once per run, before workers are forked.
// Decides what every worker must agree on and publishes it through the environment the workers inherit.

import path from 'node:path';
import { ENV, parseConfig } from '../config';
import { configError } from '../errors';
import { chooseSeed } from '../ordering/shuffle';
import { reportDeadWorkers } from './dead-workers';
import { createRunFolder, removeOnExit, sweepStaleRunFolders } from './run-folder';
import { formatSeedLine } from './seed-line';
import { buildTemplateDatabase } from './template-database';
import { updateDurations } from './duration-cache';
import { formatMemoryLines, readRunStats } from './worker-stats-report';

let stopCleanup: (() => void) | undefined;

export function globalSetup(): void {
  const { config, problems } = parseConfig(process.env);
  if (problems.length > 0) throw configError(problems);

  const seed = config.seed ?? chooseSeed();
  process.env[ENV.seed] = String(seed);

  sweepStaleRunFolders(config.tmpdir);
  const runDir = createRunFolder(config.tmpdir);
  process.env[ENV.runDir] = runDir;
  stopCleanup = removeOnExit(runDir);
  if (config.schemaPath !== undefined) {
    try {
      buildTemplateDatabase(config.schemaPath, runDir);
    } catch (error) {
      globalTeardown();
      throw error;
    }
  }
  process.stdout.write(`${formatSeedLine(seed, config.shuffle, process.argv.slice(2))}\n`);
}

export function globalTeardown(): void {
  const runDir = process.env[ENV.runDir];
  if (runDir !== undefined) {
    reportRunStats(runDir);
    reportDeadWorkers(runDir, (line) => process.stderr.write(`${line}\n`));
  }
  stopCleanup?.();
  stopCleanup = undefined;
  delete process.env[ENV.runDir];
}

function reportRunStats(runDir: string): void {
  const { config } = parseConfig(process.env);
  const stats = readRunStats(runDir);
  for (const line of formatMemoryLines(stats.workers)) process.stdout.write(`${line}\n`);
  if (config.durations === undefined || stats.durations.size === 0) return;
  const cacheFile = path.resolve(config.durations);
  try {
    updateDurations(cacheFile, stats.durations, process.cwd());
  } catch (error) {
    // The cache only plans the next run; failing to write it must not fail this one.
    process.stderr.write(`mocha-isolation: could not update the duration cache "${cacheFile}" (${(error as NodeJS.ErrnoException).code ?? error}). Point ${ENV.durations} at a writable file, or set it to off.\n`);
  }
}
