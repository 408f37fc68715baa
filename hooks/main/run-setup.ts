// Sets a run up. Runs in: main process, once per run: from mochaGlobalSetup, or serially from the plugin's
// interface before the first spec file loads (files load before global setup in that mode). Decides what every
// worker must agree on and publishes it through the environment the workers inherit. The run's end is
// run-teardown.ts, loaded only then: nothing it needs stands between `npx mocha` and the first test.

import { ENV, type IsolationConfig, parseConfig } from '../config';
import { configError } from '../errors';
import { chooseSeed } from '../shared/shuffle';
import { createRunFolder, removeOnExit, sweepStaleRunFolders } from './run-folder';
import { formatSeedLine } from './invocation/seed-line';
import type { MainStartup } from './run-record';
import { epochNow, mainMarks } from './startup-marks';
import { buildTemplateDatabase } from './template-database';

export interface RunSetup {
  config: IsolationConfig;
  stopCleanup: () => void;
  /** When this process started (ms since the epoch): the start of the run report's timeline. */
  startedAt: number;
  startup: MainStartup;
}

let setup: RunSetup | undefined;

/** Idempotent: the second caller gets the config the first one published. */
export function setUpRun(): IsolationConfig {
  if (setup !== undefined) return setup.config;
  const setupStart = epochNow();
  const { config, problems } = parseConfig(process.env);
  if (problems.length > 0) throw configError(problems);

  const seed = config.seed ?? chooseSeed();
  process.env[ENV.seed] = String(seed);

  sweepStaleRunFolders(config.tmpdir);
  const runDir = createRunFolder(config.tmpdir);
  process.env[ENV.runDir] = runDir;
  const stopCleanup = removeOnExit(runDir);
  if (config.schemaPath !== undefined) {
    try {
      buildTemplateDatabase(config.schemaPath, runDir);
    } catch (error) {
      stopCleanup();
      delete process.env[ENV.runDir];
      throw error;
    }
  }
  setup = {
    config: { ...config, seed, runDir },
    stopCleanup,
    startedAt: Math.round(performance.timeOrigin),
    startup: { processStart: Math.round(performance.timeOrigin), configAt: mainMarks.configAt, setupStart, setupEnd: epochNow() },
  };
  process.stderr.write(`${formatSeedLine(seed, config.shuffle, process.env, process.argv, process.execArgv)}\n`);
  return setup.config;
}

/** What setUpRun decided, for the run's end; undefined when it did not run. */
export function currentRunSetup(): Readonly<RunSetup> | undefined {
  return setup;
}

/** The run is over: its folder is removed now rather than at exit, and a later run starts afresh. */
export function endRunSetup(): void {
  setup?.stopCleanup();
  setup = undefined;
  delete process.env[ENV.runDir];
}
