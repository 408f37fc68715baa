// mochaGlobalSetup/Teardown. Runs in: main process, once per run, before workers are forked.
// Decides what every worker must agree on and publishes it through the environment the workers inherit.

import { ENV, parseConfig } from '../config';
import { configError } from '../errors';
import { chooseSeed } from '../ordering/shuffle';
import { reportDeadWorkers } from './dead-workers';
import { createRunFolder, removeOnExit, sweepStaleRunFolders } from './run-folder';
import { formatSeedLine } from './seed-line';
import { buildTemplateDatabase } from './template-database';

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
  if (runDir !== undefined) reportDeadWorkers(runDir, (line) => process.stderr.write(`${line}\n`));
  stopCleanup?.();
  stopCleanup = undefined;
  delete process.env[ENV.runDir];
}
