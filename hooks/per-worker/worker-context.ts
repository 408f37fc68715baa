// Everything a worker creates once and reuses for every test: config, one sinon sandbox, the env sandbox,
// the worker database. Runs in: worker (or the --no-parallel process), created at the first file's root hook.

import type Sinon from 'sinon';
import { type IsolationConfig, parseConfig } from '../config';
import { configError } from '../errors';
import { createRunFolder, removeOnExit } from '../main/run-folder';
import { buildTemplateDatabase } from '../main/template-database';
import { createWorkerDatabase, type WorkerDatabase } from './worker-database';
import { createEnvSandbox, type EnvSandbox } from '../per-test/env-sandbox';

export interface WorkerContext {
  readonly config: IsolationConfig;
  readonly runDir: string;
  /** One sandbox per worker, restored after every test: creating one per test costs ~33 µs. */
  readonly sandbox: Sinon.SinonSandbox;
  /** sinon itself, for its default sandbox (`sinon.stub()`), which is restored after every test too. */
  readonly sinon: typeof Sinon;
  workerDatabase(): WorkerDatabase | undefined;
  /** The process.env every test gets (with the worker database's path in the project's variable). */
  envSandbox(): EnvSandbox;
}

let context: WorkerContext | undefined;

export function workerContext(): WorkerContext {
  return (context ??= createWorkerContext());
}

function createWorkerContext(): WorkerContext {
  const { config, problems } = parseConfig(process.env);
  if (problems.length > 0) throw configError(problems);
  // Without global setup (mocha --no-enable-global-setup) the worker owns a folder of its own.
  const runDir = config.runDir ?? ownRunFolder(config.tmpdir);
  let database: WorkerDatabase | undefined;
  let envSandbox: EnvSandbox | undefined;
  // Loaded here, not at import: the main process imports this module too and never needs sinon (~40 ms).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sinon = require('sinon') as typeof Sinon;
  return {
    config,
    runDir,
    sandbox: sinon.createSandbox(),
    sinon,
    workerDatabase() {
      if (config.schemaPath === undefined) return undefined;
      if (database === undefined && config.runDir === undefined) buildTemplateDatabase(config.schemaPath, runDir);
      return (database ??= createWorkerDatabase(runDir, config.workerId, config.dbReset));
    },
    envSandbox() {
      if (envSandbox !== undefined) return envSandbox;
      const db = this.workerDatabase();
      const watched = db && config.dbEnv ? { name: config.dbEnv, value: db.path, onRead: db.markPathShared } : undefined;
      return (envSandbox = createEnvSandbox(sinon.createSandbox(), watched));
    },
  };
}

function ownRunFolder(tmpdir: string | undefined): string {
  const dir = createRunFolder(tmpdir);
  removeOnExit(dir);
  return dir;
}
