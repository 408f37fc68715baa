// Everything a worker creates once and reuses for every test: config, one sinon sandbox, the env baseline,
// the worker database. Runs in: worker (or the --no-parallel process), created on the first test.

import type Sinon from 'sinon';
import { type IsolationConfig, parseConfig } from '../config';
import { configError } from '../errors';
import { createRunFolder, removeOnExit } from '../main/run-folder';
import { buildTemplateDatabase } from '../main/template-database';
import { createWorkerDatabase, type WorkerDatabase } from './worker-database';

export interface WorkerContext {
  readonly config: IsolationConfig;
  readonly runDir: string;
  /** One sandbox per worker, restored after every test: creating one per test costs ~33 µs. */
  readonly sandbox: Sinon.SinonSandbox;
  /** sinon itself, for its default sandbox (`sinon.stub()`), which is restored after every test too. */
  readonly sinon: typeof Sinon;
  /** A plain copy of the worker's environment: copying process.env itself goes through slow C++ interceptors. */
  readonly envBaseline: Readonly<Record<string, string>>;
  workerDatabase(): WorkerDatabase | undefined;
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
  const envBaseline: Record<string, string> = { ...(process.env as Record<string, string>) };
  let database: WorkerDatabase | undefined;
  // Loaded here, not at import: the main process imports this module too and never needs sinon (~40 ms).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sinon = require('sinon') as typeof Sinon;
  return {
    config,
    runDir,
    sandbox: sinon.createSandbox(),
    sinon,
    envBaseline,
    workerDatabase() {
      if (config.schemaPath === undefined) return undefined;
      if (database === undefined && config.runDir === undefined) buildTemplateDatabase(config.schemaPath, runDir);
      return (database ??= createWorkerDatabase(runDir, config.workerId));
    },
  };
}

function ownRunFolder(tmpdir: string | undefined): string {
  const dir = createRunFolder(tmpdir);
  removeOnExit(dir);
  return dir;
}
