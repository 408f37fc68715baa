// The run folder's layout and the spec-file key: the one place that knows where every record of a run lives.
// Runs in: any process. Imported by main and worker code alike; imports neither.

import path from 'node:path';
import type { Leak } from './leak-report';
import { DEFAULT_DURATIONS_FILE } from '../config';

/** Every run folder's name starts so, followed by the main process's pid (a later run sweeps dead ones). */
export const RUN_FOLDER_PREFIX = 'mocha-isolation-';

/** A test a failing hook made mocha skip is reported failed with a message that starts so (counted by main). */
export const DROPPED_PREFIX = 'did not run: ';

/** A test's place in its file: the titles from its outermost describe down to its own, joined by TITLE_SEPARATOR. */
export const TITLE_SEPARATOR = ' \u203a ';
export type Outcome = 'passed' | 'failed' | 'pending';

/**
 * What a worker's marker holds while it runs a file: the file, the tests it loaded (so the main process can
 * account for every one if the worker dies), and, written at exit, the running test and the outcomes so far.
 */
export interface WorkerMarker {
  workerId: string;
  pid: number;
  file: string;
  tests: string[];
  test?: string;
  outcomes?: Record<string, Outcome>;
}

/** What each process records for the main process: durations for the cache, peak RSS for the memory lines. */
export interface WorkerStats {
  /** Process id, and mocha's worker id (undefined in serial mode). */
  pid: number;
  workerId: string | undefined;
  /** Peak resident set size so far, in bytes. */
  peakRssBytes: number;
  /** When this process started, had its state, started its first file and its first test (ms since the epoch). */
  startup?: ProcessStartup;
  /** Spec files finished by this process. */
  files: number;
  /** Milliseconds per spec file (relative path, `/` separators). */
  durations: Record<string, number>;
  /** Tests each spec file loaded that the run selected (after --grep), to check that every one was reported. */
  loaded: Record<string, number>;
  /** The files this process ran, in order, each with its tests' outcomes in the order they ended (the run record). */
  sequence: RecordedFile[];
  /** What tests left behind (ISOLATION_LEAKS=report). */
  leaks: Leak[];
}

export interface ProcessStartup {
  processStart: number;
  stateReady?: number;
  firstFileStart?: number;
  firstTestStart?: number;
}

export interface RecordedFile {
  file: string;
  /** Each test's full title and outcome, and its duration in ms when mocha measured one (for the run report). */
  tests: Array<[fullTitle: string, outcome: Outcome, ms?: number]>;
  /** When the file started (ms since the epoch), how long it took (ms), and the process's RSS after it (MB). */
  startedAt?: number;
  ms?: number;
  rssMb?: number;
}

export interface RunLayout {
  readonly root: string;
  /** The schema applied once, copied by every worker. */
  readonly template: string;
  /** One marker per worker while it runs a file; a marker left at the end names a dead worker's file. */
  readonly markers: string;
  /** One statistics record per process (durations, peak RSS). */
  readonly stats: string;
  /** The @serial lock, shared by every worker of the run. */
  readonly serialLock: string;
  workerDatabase(workerId: string | undefined): string;
  /** The worker's TMPDIR (os.tmpdir() in its tests): what tests leave there is named and goes with the run folder. */
  workerTemp(workerId: string | undefined): string;
  marker(workerId: string): string;
  statsRecord(pid: number): string;
  /** What a worker that died between files last threw (its file's events were all delivered; nothing else says). */
  lastWords(pid: number): string;
}

/** What a worker writes when an error it cannot survive comes between files (a late rejection, mocha issue 5184). */
export interface LastWords {
  workerId: string;
  pid: number;
  /** The file the worker ran last: what threw was most likely started by one of its tests. */
  after: string | undefined;
  origin: string;
  message: string;
  stack: string | undefined;
}

/** Where a worker appends the outcomes of its marker's file, one JSON array [place, outcome] per line. */
export function outcomeJournal(markerPath: string): string {
  return markerPath.replace(/\.json$/, '.outcomes');
}

export function runLayout(root: string): RunLayout {
  return {
    root,
    template: path.join(root, 'template.sqlite'),
    markers: path.join(root, 'workers'),
    stats: path.join(root, 'stats'),
    serialLock: path.join(root, 'serial.lock'),
    // MOCHA_WORKER_ID is unique within a run, and the run folder is unique per run.
    workerDatabase: (workerId) => path.join(root, `worker-${workerId ?? 'serial'}.sqlite`),
    workerTemp: (workerId) => path.join(root, `tmp-${workerId ?? 'serial'}`),
    marker: (workerId) => path.join(root, 'workers', `${workerId}.json`),
    statsRecord: (pid) => path.join(root, 'stats', `${pid}.json`),
    lastWords: (pid) => path.join(root, 'last-words', `${pid}.json`),
  };
}

// Asked for every test that ends (leak checks, reported counts): path.relative costs ~3 µs, and a run has few
// files and one working directory.
const specKeys = new Map<string, Map<string, string>>();

/**
 * How a spec file is named in the duration cache, the order and the statistics: relative to the working
 * directory, with `/` separators, so the same file has the same key on every machine and in every process.
 */
export function specKey(file: string, cwd: string): string {
  let keys = specKeys.get(cwd);
  if (keys === undefined) specKeys.set(cwd, (keys = new Map()));
  let key = keys.get(file);
  if (key === undefined) keys.set(file, (key = path.relative(cwd, path.resolve(cwd, file)).split(path.sep).join('/')));
  return key;
}

/** The last run's record, beside the duration cache (in .mocha-isolation/ unless ISOLATION_DURATIONS names another file). */
export function runRecordFile(durations: string | undefined, cwd: string): string {
  return path.join(path.dirname(path.resolve(cwd, durations ?? DEFAULT_DURATIONS_FILE)), 'last-run.json');
}
