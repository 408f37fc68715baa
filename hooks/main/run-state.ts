// The run as the main process owns it: what set-up decided (the parsed config with its seed and run folder, the
// cleanup of that folder, the start-up marks, the printed seed line, the environment and arguments it was decided
// from) and what global setup left watching (the tests reported, the workers' ends), handed to teardown.
// Runs in: main process, one per run. Teardown reads everything from here: nothing reads process.env again.

import type { IsolationConfig } from '../config';
import type { MainStartup } from './run-record';
import type { WorkerDeaths } from './workers/idle-worker-deaths';
import type { TestCounter } from './workers/lost-tests';

export interface RunConfig extends IsolationConfig {
  seed: number;
  runDir: string;
}

/** The process's environment and arguments when the config was parsed, with the seed and run folder published. */
export interface Invocation {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly argv: readonly string[];
  readonly execArgv: readonly string[];
  readonly cwd: string;
}

/** What global setup leaves watching the run for its teardown. */
export interface Watching {
  counter?: TestCounter;
  deaths?: WorkerDeaths;
}

export class MainRun {
  private watching: Watching = {};

  constructor(
    readonly config: Readonly<RunConfig>,
    readonly invocation: Invocation,
    /** The line printed at the start ("seed N, … Reproduce: …"). */
    readonly seedLine: string,
    /** When this process started (ms since the epoch): the start of the run report's timeline. */
    readonly startedAt: number,
    readonly startup: MainStartup,
    private readonly removeRunFolder: () => void,
  ) {}

  watch(watching: Watching): void {
    this.watching = watching;
  }

  /** What the main process saw reported (checked against what the workers loaded); undefined if nothing counted. */
  get counter(): TestCounter | undefined {
    return this.watching.counter;
  }

  get deaths(): WorkerDeaths | undefined {
    return this.watching.deaths;
  }

  /** Stops watching the workers: from here on a worker that ends is not a death. */
  stopWatching(): void {
    this.watching.deaths?.stop();
  }

  /** The run is over: its folder is removed now rather than at exit. */
  end(): void {
    this.stopWatching();
    this.removeRunFolder();
  }
}

let current: MainRun | undefined;

export function currentRun(): MainRun | undefined {
  return current;
}

export function beginRun(run: MainRun): MainRun {
  current = run;
  return run;
}

/** Hands the run to its teardown, once: a later run in the same process (mocha's watch mode) starts afresh. */
export function takeRun(): MainRun | undefined {
  const run = current;
  current = undefined;
  return run;
}
