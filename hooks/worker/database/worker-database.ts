// The worker's SQLite file: copied from the run's template when the worker starts if its path is in the
// environment (a spec file's module code may open it), else when first used; put back to the template's schema
// with empty tables after each test.
// Runs in: worker (or the one process of a --no-parallel run).
// The plugin's connection (plugin-connection.ts) opens on first use and does the resetting.

import fs from 'node:fs';
import type { RunLayout } from '../../shared/run-layout';
import { type ConnectionOptions, type DatabaseReset, openPluginConnection, type PluginConnection } from './plugin-connection';
import { type Leftovers, NO_LEFTOVERS, type TestTeardown } from '../leaks/leftovers';

export interface WorkerDatabase extends DatabaseReset {
  /** A test starts: its teardown puts the file back and returns the rows it left (`table ×count`), if `countLeft`. */
  sandboxTest(countLeft: boolean): TestTeardown;
}

export type WorkerDatabaseOptions = ConnectionOptions;

export function createWorkerDatabase(layout: RunLayout, workerId: string | undefined, options: WorkerDatabaseOptions): WorkerDatabase {
  const file = layout.workerDatabase(workerId);
  // A copy of the template costs far less than replaying the schema, and global setup already proved it applies.
  // Made now if the path is in the environment, where a spec file's module code can open it; otherwise when the
  // path or a connection is first asked for (a worker whose tests never touch it never copies).
  let copied = false;
  const copy = (): string => {
    if (!copied) fs.copyFileSync(layout.template, file);
    copied = true;
    return file;
  };
  if (options.pathInEnv) copy();
  // The plugin's own connection (loading SQLite, reading the schema, preparing statements: a few ms) waits for
  // its first use, so the first test is not kept waiting for it.
  let open: PluginConnection | undefined;
  let pathShared = options.pathInEnv;
  const connection = (): PluginConnection => {
    if (open === undefined) {
      open = openPluginConnection(copy(), { ...options, pathInEnv: pathShared });
      // Others could write before the plugin looked (mid-test, say): its first check assumes they did.
      if (pathShared) open.assumeWritten();
    }
    return open;
  };
  const resetIfDirty = (countLeft: boolean): string[] => {
    // Nobody but the plugin can reach the file yet: nothing to reset.
    if (open === undefined && !pathShared) return [];
    return connection().resetIfDirty(countLeft);
  };
  const resetCountingRows = (): Leftovers => {
    const rows = resetIfDirty(true);
    return rows.length === 0 ? NO_LEFTOVERS : { rows };
  };
  const resetQuietly = (): Leftovers => {
    resetIfDirty(false);
    return NO_LEFTOVERS;
  };
  return {
    get path() {
      return copy();
    },
    connectionForTest: () => connection().connectionForTest(),
    resetIfDirty: (countLeft = false) => resetIfDirty(countLeft),
    markPathShared() {
      pathShared = true;
      open?.markPathShared();
    },
    sandboxTest(countLeft) {
      return countLeft ? resetCountingRows : resetQuietly;
    },
    close() {
      open?.close();
    },
  };
}
