// Sets a run up. Runs in: main process, once per run: from mochaGlobalSetup, or serially from the plugin's
// interface before the first spec file loads (files load before global setup in that mode). Decides what every
// worker must agree on and publishes it through the environment the workers inherit; the run's owner
// (run-state.ts) keeps the rest for teardown. The run's end is run-teardown.ts, loaded only then: nothing it
// needs stands between `npx mocha` and the first test.

import { ENV, parseConfig } from '../config';
import { configError } from '../errors';
import { chooseSeed } from '../shared/shuffle';
import { createRunFolder, removeOnExit, sweepStaleRunFolders } from './run-folder';
import { formatSeedLine } from './invocation/seed-line';
import { beginRun, currentRun, MainRun } from './run-state';
import { epochNow, mainMarks } from './startup-marks';
import { buildTemplateDatabase } from './template-database';

/** Idempotent: the second caller gets the run the first one began. */
export function setUpRun(): MainRun {
  const existing = currentRun();
  if (existing !== undefined) return existing;
  const setupStart = epochNow();
  const { config, problems } = parseConfig(process.env);
  if (problems.length > 0) throw configError(problems);

  const seed = config.seed ?? chooseSeed();
  process.env[ENV.seed] = String(seed);

  sweepStaleRunFolders(config.tmpdir);
  const runDir = createRunFolder(config.tmpdir);
  process.env[ENV.runDir] = runDir;
  const stopCleanup = removeOnExit(runDir);
  const removeRunFolder = (): void => {
    stopCleanup();
    delete process.env[ENV.runDir];
  };
  if (config.schemaPath !== undefined) {
    try {
      buildTemplateDatabase(config.schemaPath, runDir);
    } catch (error) {
      removeRunFolder();
      throw error;
    }
  }
  const invocation = { env: { ...process.env }, argv: [...process.argv], execArgv: [...process.execArgv], cwd: process.cwd() };
  const seedLine = formatSeedLine(seed, config.shuffle, invocation.env, invocation.argv, invocation.execArgv);
  const processStart = Math.round(performance.timeOrigin);
  const startup = { processStart, configAt: mainMarks.configAt, setupStart, setupEnd: epochNow() };
  const run = beginRun(new MainRun({ ...config, seed, runDir }, invocation, seedLine, processStart, startup, removeRunFolder));
  process.stderr.write(`${seedLine}\n`);
  return run;
}
