// The run folder: one per `mocha` run, holding every worker database and per-test temp dir.
// Runs in: main process. It alone removes the folder: on a normal end, after failures, after a worker died,
// and on Ctrl-C/SIGTERM; a folder left by a killed run is swept by the next run.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { configError } from '../errors';
import { RUN_FOLDER_PREFIX, runLayout } from '../shared/run-layout';

const CLEANUP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export function createRunFolder(base: string | undefined): string {
  const parent = path.resolve(base ?? os.tmpdir());
  try {
    // The pid in the name lets a later run tell a dead run's folder from a live one. fs.mkdtempSync rather than the
    // tmp package here: loading it costs ~2 ms before the first test, and this folder's removal is the plugin's own.
    const dir = fs.mkdtempSync(path.join(parent, `${RUN_FOLDER_PREFIX}${process.pid}-`));
    fs.mkdirSync(runLayout(dir).markers);
    return dir;
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw configError(
      [
        `the run folder could not be created in "${parent}" (${reason}). Point ISOLATION_TMPDIR at a writable folder, or unset it to use the system temp folder.`,
      ],
      'ERR_ISOLATION_RUN_FOLDER',
    );
  }
}

export function removeRunFolder(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes run folders whose main process no longer exists (a run killed with SIGKILL cannot clean up). */
export function sweepStaleRunFolders(base: string | undefined): void {
  const parent = path.resolve(base ?? os.tmpdir());
  let names: string[];
  try {
    names = fs.readdirSync(parent);
  } catch {
    return;
  }
  for (const name of names) {
    const match = name.startsWith(RUN_FOLDER_PREFIX) ? /^(\d+)-/.exec(name.slice(RUN_FOLDER_PREFIX.length)) : null;
    if (match && !isAlive(Number(match[1]))) removeRunFolder(path.join(parent, name));
  }
}

/**
 * Removes the folder when the process exits or is interrupted, and makes an interrupted run end with the signal
 * (exit status 128 + its number). A signal listener stops Node's default exit, so the signal is raised again
 * once the folder is gone. While mocha's parallel runner listens for SIGINT (it terminates its workers, then
 * raises SIGINT again) removal waits for that second SIGINT: workers still writing would make it fail. mocha
 * stops its workers on SIGINT only, so SIGTERM and SIGHUP are passed to it as SIGINT first; without that its
 * workers would outlive the run and print into the terminal.
 */
export function removeOnExit(dir: string): () => void {
  let interrupted: NodeJS.Signals | undefined;
  const remove = (): void => removeRunFolder(dir);
  const onExit = (): void => {
    remove();
    // mocha's parallel runner can finish its run (exit 0) before its own re-raised SIGINT lands.
    if (interrupted !== undefined) process.exitCode = 128 + (os.constants.signals[interrupted] ?? 2);
  };
  const removeAndRaise = (): void => {
    unregister();
    process.kill(process.pid, interrupted);
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupted = signal;
    for (const s of CLEANUP_SIGNALS) process.removeListener(s, onSignal);
    const mochaStopsWorkers = process.listenerCount('SIGINT') > 0;
    if (signal !== 'SIGINT' && mochaStopsWorkers) {
      process.emit('SIGINT', 'SIGINT');
      // Added after the emit, so it waits for mocha's own SIGINT, raised once its workers are gone.
      process.once('SIGINT', removeAndRaise);
    } else if (process.listenerCount(signal) === 0) {
      removeAndRaise();
    } else {
      process.once(signal, removeAndRaise);
    }
  };
  const unregister = (): void => {
    remove();
    process.removeListener('exit', onExit);
    for (const signal of CLEANUP_SIGNALS) process.removeListener(signal, onSignal);
  };
  process.on('exit', onExit);
  for (const signal of CLEANUP_SIGNALS) process.on(signal, onSignal);
  return unregister;
}
