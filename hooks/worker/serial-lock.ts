// The serial marker: tests and describes tagged @serial never run at the same time as each other, in any worker,
// while the rest of the suite keeps running in parallel. Runs in: worker, around each tagged test or describe.
//
// The lock is a folder (mkdir is atomic) holding its owner's pid: no database needed, and a lock whose owner
// died (a crashed worker) is taken over instead of leaving the others waiting. Polls rather than blocking, so
// mocha's timeouts keep working while a worker waits.

import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Put it in a test's or a describe's title: `it('binds port 8080 ${SERIAL}', ...)`; `--grep @serial` selects them. */
export const SERIAL = '@serial';
const POLL_MS = 5;

/** Walks the titles instead of building the full title: this runs before every test. */
export function isSerial(node: { title: string; parent?: unknown } | undefined): boolean {
  for (let at = node; at !== undefined; at = at.parent as typeof at) {
    if (at.title.includes(SERIAL)) return true;
  }
  return false;
}

export interface SerialLock {
  /** Reentrant within the process: a @serial test inside a @serial describe does not wait for itself. */
  acquire(): Promise<void> | void;
  release(): void;
}

export function createSerialLock(folder: string): SerialLock {
  let depth = 0;
  const owner = path.join(folder, 'owner');

  const tryTake = (): boolean => {
    try {
      fs.mkdirSync(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (!ownerIsDead()) return false;
      fs.rmSync(folder, { recursive: true, force: true });
      return tryTake();
    }
    fs.writeFileSync(owner, String(process.pid));
    return true;
  };
  const ownerIsDead = (): boolean => {
    let pid: number;
    try {
      pid = Number(fs.readFileSync(owner, 'utf8'));
    } catch {
      return false; // just created: its owner is writing the pid
    }
    try {
      process.kill(pid, 0);
      return false;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ESRCH';
    }
  };
  const wait = async (): Promise<void> => {
    while (!tryTake()) await sleep(POLL_MS);
  };

  return {
    acquire() {
      depth++;
      if (depth > 1 || tryTake()) return undefined;
      return wait();
    },
    release() {
      if (depth === 0) return;
      depth--;
      if (depth === 0) fs.rmSync(folder, { recursive: true, force: true });
    },
  };
}
