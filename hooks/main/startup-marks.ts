// When the main process reached each step of a run's start (ms since the epoch), for the run record and the
// bench's start-up breakdown. Runs in: main process. Its own module, so that global setup can read the config's
// mark without loading the config helper (and mocha's argument parser with it) in projects that do not use it.

export const mainMarks: { configAt?: number } = {};

export function epochNow(): number {
  return Math.round(performance.timeOrigin + performance.now());
}
