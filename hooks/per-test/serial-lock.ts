// The serial marker: tests tagged @serial never run at the same time as each other, in any worker, while the
// rest of the suite keeps running in parallel. Runs in: worker, per tagged test.

import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Database, openDatabase } from '../per-worker/sqlite';

/** Put it in a test's or a describe's title: `it('binds port 8080 ${SERIAL}', ...)`; `--grep @serial` selects them. */
export const SERIAL = '@serial';
const POLL_MS = 5;

let lockDb: Database | undefined;

/** Walks the titles instead of building the full title: this runs before every test. */
export function isSerial(test: { title: string; parent?: { title: string; parent?: unknown } | undefined }): boolean {
  for (let node: { title: string; parent?: unknown } | undefined = test; node !== undefined; node = node.parent as typeof node) {
    if (node.title.includes(SERIAL)) return true;
  }
  return false;
}

/**
 * An exclusive SQLite transaction on a run-wide file is the lock: the OS drops it if the holder dies, so a
 * crashed worker never leaves the others waiting. Polls instead of SQLite's busy wait, which would block the
 * worker's event loop and with it mocha's timeouts.
 */
export async function acquireSerialLock(runDir: string): Promise<() => void> {
  const db = (lockDb ??= openDatabase(path.join(runDir, 'serial.lock')));
  db.pragma('busy_timeout = 0');
  for (;;) {
    try {
      db.exec('BEGIN EXCLUSIVE');
      return () => db.exec('COMMIT');
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
      await sleep(POLL_MS);
    }
  }
}
