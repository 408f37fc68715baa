// Writes one file of a cache the plugin keeps in the project (.mocha-isolation/: V8's code cache of the bundle,
// the template database). Runs in: any process. Whole or not at all: written under a temporary name, then
// renamed, so a reader (or a second process writing the same file) never sees half of one; and alone of its
// kind, so the files of an older key do not pile up. A cache that cannot be written costs only time.
// Written only into a cache folder that exists: a run makes it (the duration cache, the run report), while a
// script that merely imports the plugin, or a run with both of those off, leaves no folder behind.

import fs from 'node:fs';
import path from 'node:path';

/** The plugin's folder in the project, relative to the working directory (git-ignored): every file it keeps
 *  between runs (duration cache, run record and report, leak report, the caches) goes in it. */
export const PROJECT_CACHE_DIR = '.mocha-isolation';

export function writeCacheFile(root: string, file: string, write: (temporary: string) => void, sameKind: (name: string) => boolean): void {
  if (!fs.existsSync(root)) return;
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    write(temporary);
    fs.renameSync(temporary, file);
    for (const other of fs.readdirSync(path.dirname(file))) {
      if (other !== path.basename(file) && sameKind(other)) fs.rmSync(path.join(path.dirname(file), other), { force: true });
    }
  } catch {
    try {
      fs.rmSync(temporary, { force: true });
    } catch {
      // Nothing to report: the next run tries again.
    }
  }
}
