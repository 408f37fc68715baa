// The one pure reader of the plugin's environment variables. Runs in: any process.
// Modules receive the IsolationConfig it returns; none of them reads process.env itself.

import { MAX_SEED } from './shared/shuffle';
import { parseLeakPolicies } from './shared/leak-policies';
import type { LeakPolicies, LeakPolicy } from './shared/leak-report';
import { PROJECT_CACHE_DIR } from './shared/cache-file';

export type { LeakPolicies, LeakPolicy };
export { checksLeaks, parseLeakPolicies } from './shared/leak-policies';

export const ENV = {
  seed: 'ISOLATION_SEED',
  shuffle: 'ISOLATION_SHUFFLE',
  schema: 'ISOLATION_SCHEMA',
  dbEnv: 'ISOLATION_DB_ENV',
  tmpdir: 'ISOLATION_TMPDIR',
  leaks: 'ISOLATION_LEAKS',
  runDir: 'ISOLATION_RUN_DIR',
  durations: 'ISOLATION_DURATIONS',
  shard: 'ISOLATION_SHARD',
  dbReset: 'ISOLATION_DB_RESET',
  modules: 'ISOLATION_MODULES',
  report: 'ISOLATION_REPORT',
  keepModules: 'ISOLATION_KEEP_MODULES',
  env: 'ISOLATION_ENV',
  rejections: 'ISOLATION_REJECTIONS',
  /** packed (default): workers send the events the main process listens to, passing tests packed; mocha: mocha's own stream. */
  workerStream: 'ISOLATION_WORKER_STREAM',
  /** Set by the config helper in the first process: the command the user typed (for the reproduce line). */
  command: 'ISOLATION_COMMAND',
  /** Set by the config helper: the interface the project asked for (bdd unless set), which the plugin wraps. */
  ui: 'ISOLATION_UI',
  /** Set by the config helper in a sharded run: the plan's expected load per shard, for the run report. */
  shardPlan: 'ISOLATION_SHARD_PLAN',
  /** Set by global setup in a parallel run: the runner events the main process listens to (shared/worker-events.ts). */
  workerEvents: 'ISOLATION_WORKER_EVENTS',
} as const;

/** Where per-file durations are kept between runs, relative to the working directory (git-ignored). */
export const DEFAULT_DURATIONS_FILE = `${PROJECT_CACHE_DIR}/durations.json`;

/** The run report's page, relative to the working directory (git-ignored with the cache). */
export const DEFAULT_REPORT_FILE = `${PROJECT_CACHE_DIR}/report.html`;

const ENV_PREFIX = 'ISOLATION_';
const KNOWN_VARIABLES: ReadonlySet<string> = new Set(Object.values(ENV));

/**
 * How much the seed shuffles, outermost first (like pytest-randomly's options): `tests` shuffles files, the
 * suites in each file and the tests in each suite; `suites` keeps tests in declared order; `files` only orders
 * files; `off` keeps every declared order. A describe titled @ordered keeps its own order at any level.
 */
export type ShuffleLevel = 'tests' | 'suites' | 'files' | 'off';
/** auto: a test's writes through workerDb() go into a transaction rolled back after it, while no other
 *  connection can see the file; every table is emptied otherwise. delete: always empty every table. */
export type DbResetMode = 'auto' | 'delete';
/** How long a project module loaded by a spec file lives: the whole test process (mocha's way), or one file. */
export type ModuleScope = 'worker' | 'file';

export interface IsolationConfig {
  /** Undefined until global setup (or the mocharc helper) has chosen one. */
  seed: number | undefined;
  shuffle: ShuffleLevel;
  /** Absolute path of the SQL applied to each worker database; undefined: no worker database. */
  schemaPath: string | undefined;
  /** Name of the project's variable that receives the worker database path, e.g. BMTC_DB_PATH. */
  dbEnv: string | undefined;
  /** Folder in which run folders are made; the system temp folder unless set. */
  tmpdir: string | undefined;
  /** Per category of leftovers: report, fail or off (ISOLATION_LEAKS=report,rows=off). */
  leaks: LeakPolicies;
  dbReset: DbResetMode;
  /** `strict`: process.env is compared after every test, also one that never touched it (ISOLATION_ENV). */
  env: EnvMode;
  /** `fail`: a promise rejected with nobody to handle it fails its test; `report`: it is named, the test passes. */
  rejections: RejectionMode;
  /** `file`: the project's modules that spec files load are loaded fresh for every spec file; `worker`: kept. */
  modules: ModuleScope;
  /** Globs (relative to the working directory) of project modules kept across files even with modules=file. */
  keepModules: string[];
  /** Set by global setup in the main process, inherited by every worker. */
  runDir: string | undefined;
  /** Where the run report (one HTML page) goes; undefined when ISOLATION_REPORT=off. */
  report: string | undefined;
  /** The duration cache file (relative to the working directory); undefined when ISOLATION_DURATIONS=off. */
  durations: string | undefined;
  /** This run's shard, 1-based: `ISOLATION_SHARD=2/4` runs the second of four. */
  shard: Shard | undefined;
  /** MOCHA_WORKER_ID: a creation counter, unset in serial mode, higher for a replacement worker. */
  workerId: string | undefined;
  /** The runner events a worker sends to the main process; undefined: every event, as mocha does. */
  workerEvents: ReadonlySet<string> | undefined;
  /** mocha: the workers' events go mocha's own way, unchanged (a way around the packed stream, an internal). */
  workerStream: 'packed' | 'mocha';
}

export interface Shard {
  index: number;
  total: number;
}

type Env = Readonly<Record<string, string | undefined>>;

const SWITCH_VALUES: Record<string, boolean> = { '1': true, true: true, on: true, '0': false, false: false, off: false };
const DB_RESET_MODES: readonly DbResetMode[] = ['auto', 'delete'];
export type EnvMode = 'touched' | 'strict';
export type RejectionMode = 'fail' | 'report';
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const SHUFFLE_LEVELS: readonly ShuffleLevel[] = ['tests', 'suites', 'files', 'off'];

function shuffleLevel(raw: string): ShuffleLevel | undefined {
  const onOff = SWITCH_VALUES[raw];
  if (onOff !== undefined) return onOff ? 'tests' : 'off';
  return SHUFFLE_LEVELS.find((level) => level === raw);
}

export function parseSeed(raw: string): number | undefined {
  if (!/^\d+$/.test(raw.trim())) return undefined;
  const seed = Number(raw);
  return seed <= MAX_SEED ? seed : undefined;
}

export function parseShard(raw: string): Shard | undefined {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(raw);
  if (!match) return undefined;
  const index = Number(match[1]);
  const total = Number(match[2]);
  return index >= 1 && index <= total ? { index, total } : undefined;
}

/** Reads every ISOLATION_* variable and returns all problems at once rather than stopping at the first. */
export function parseConfig(env: Env): { config: IsolationConfig; problems: string[] } {
  const problems: string[] = [];
  const read = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value === '' ? undefined : value;
  };

  for (const name of Object.keys(env)) {
    if (name.startsWith(ENV_PREFIX) && !KNOWN_VARIABLES.has(name)) {
      problems.push(`"${name}" is not a variable mocha-isolation knows. Use one of ${[...KNOWN_VARIABLES].join(', ')}, or unset it.`);
    }
  }

  const rawSeed = read(ENV.seed);
  const seed = rawSeed === undefined ? undefined : parseSeed(rawSeed);
  if (rawSeed !== undefined && seed === undefined) {
    problems.push(
      `"${ENV.seed}" must be a whole number from 0 to ${MAX_SEED}, got "${rawSeed}". Copy the seed from a printed seed line, or unset it for a random one.`,
    );
  }

  const rawShuffle = read(ENV.shuffle)?.toLowerCase();
  const shuffle = rawShuffle === undefined ? 'tests' : shuffleLevel(rawShuffle);
  if (shuffle === undefined) {
    problems.push(
      `"${ENV.shuffle}" must be tests, suites, files or off (on/1/true mean tests, 0/false mean off), got "${read(ENV.shuffle)}". ` +
        `Set ${ENV.shuffle}=suites to keep tests in declared order, or off to keep every declared order.`,
    );
  }

  const dbEnv = read(ENV.dbEnv);
  if (dbEnv !== undefined && !VARIABLE_NAME.test(dbEnv)) {
    problems.push(`"${ENV.dbEnv}" must be an environment variable name such as APP_DB_PATH, got "${dbEnv}".`);
  }

  const { policies: leaks, problem: leakProblem } = parseLeakPolicies(read(ENV.leaks));
  if (leakProblem !== undefined) problems.push(leakProblem);

  const dbReset = (read(ENV.dbReset)?.toLowerCase() ?? 'auto') as DbResetMode;
  if (!DB_RESET_MODES.includes(dbReset)) {
    problems.push(
      `"${ENV.dbReset}" (isolation.dbReset) must be auto or delete, got "${read(ENV.dbReset)}". Use delete if tests run BEGIN/COMMIT on workerDb() themselves.`,
    );
  }

  const envMode = read(ENV.env)?.toLowerCase() ?? 'touched';
  if (envMode !== 'touched' && envMode !== 'strict') {
    problems.push(
      `"${ENV.env}" (isolation.env) must be strict or touched, got "${read(ENV.env)}". Use strict to compare process.env after every test, also one that writes through a reference taken at import.`,
    );
  }

  const rejections = read(ENV.rejections)?.toLowerCase() ?? 'fail';
  if (rejections !== 'fail' && rejections !== 'report') {
    problems.push(
      `"${ENV.rejections}" (isolation.rejections) must be fail or report, got "${read(ENV.rejections)}". Use report to have a rejection nobody handled named without failing its test (mocha alone swallows it).`,
    );
  }

  const modules = (read(ENV.modules)?.toLowerCase() ?? 'worker') as ModuleScope;
  if (modules !== 'worker' && modules !== 'file') {
    problems.push(
      `"${ENV.modules}" (isolation.modules) must be file or worker, got "${read(ENV.modules)}". Use file to load the project's modules fresh for every spec file.`,
    );
  }

  const rawDurations = read(ENV.durations);
  const durations =
    rawDurations === undefined ? DEFAULT_DURATIONS_FILE : SWITCH_VALUES[rawDurations.toLowerCase()] === false ? undefined : rawDurations;

  const rawReport = read(ENV.report);
  const report =
    rawReport === undefined
      ? DEFAULT_REPORT_FILE
      : SWITCH_VALUES[rawReport.toLowerCase()] === false
        ? undefined
        : SWITCH_VALUES[rawReport.toLowerCase()] === true
          ? DEFAULT_REPORT_FILE
          : rawReport;

  const rawShard = read(ENV.shard);
  const shard = rawShard === undefined ? undefined : parseShard(rawShard);
  if (rawShard !== undefined && shard === undefined) {
    problems.push(
      `"${ENV.shard}" must be "index/total" with 1 <= index <= total, such as 1/4, got "${rawShard}". Give each CI job one index from 1 to the same total.`,
    );
  }

  const workerStream = read(ENV.workerStream)?.toLowerCase() ?? 'packed';
  if (workerStream !== 'packed' && workerStream !== 'mocha') {
    problems.push(
      `"${ENV.workerStream}" must be packed or mocha, got "${read(ENV.workerStream)}". Use mocha to have workers send their events as mocha alone does.`,
    );
  }

  const workerEvents = read(ENV.workerEvents);
  return {
    config: {
      seed,
      shuffle: shuffle ?? 'tests',
      schemaPath: read(ENV.schema),
      dbEnv,
      tmpdir: read(ENV.tmpdir),
      leaks,
      dbReset: DB_RESET_MODES.includes(dbReset) ? dbReset : 'auto',
      env: envMode === 'strict' ? 'strict' : 'touched',
      rejections: rejections === 'report' ? 'report' : 'fail',
      modules: modules === 'file' ? 'file' : 'worker',
      keepModules: (read(ENV.keepModules) ?? '')
        .split(',')
        .map((glob) => glob.trim())
        .filter((glob) => glob !== ''),
      runDir: read(ENV.runDir),
      durations,
      report,
      shard,
      workerId: read('MOCHA_WORKER_ID'),
      workerEvents: workerEvents === undefined ? undefined : new Set(workerEvents.split(',')),
      workerStream: workerStream === 'mocha' ? 'mocha' : 'packed',
    },
    problems,
  };
}
