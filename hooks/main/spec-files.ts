// Expands spec globs into the ordered file list mocha dispatches. Runs in: main process (from .mocharc.cjs).
// mocha hands files to workers exactly in this order, so this list is where file order is decided.

import path from 'node:path';
import { shuffle } from '../shared/shuffle';
import { specKey } from '../shared/run-layout';
import { requireMochaLib } from '../shared/mocha-internals';

type LookupFiles = (pattern: string, extensions: string[], recursive: boolean) => string | string[];
// mocha 12 exports it by name (an ES module); 10 and 11 export the function itself.
const lookupModule = requireMochaLib<LookupFiles | { lookupFiles: LookupFiles }>('cli/lookup-files');
const lookupFiles: LookupFiles = typeof lookupModule === 'function' ? lookupModule : lookupModule.lookupFiles;

/** Relative, de-duplicated and sorted, so the order depends on the seed alone and not on the file system. */
export function expandSpecs(patterns: readonly string[], extensions: readonly string[], cwd: string): string[] {
  const files = new Set<string>();
  for (const pattern of patterns) {
    const found = lookupFiles(path.resolve(cwd, pattern), [...extensions], false);
    for (const file of Array.isArray(found) ? found : [found]) {
      files.add(specKey(file, cwd));
    }
  }
  return [...files].sort();
}

export function orderSpecFiles(files: readonly string[], seed: number | undefined, shuffled: boolean): string[] {
  return shuffled && seed !== undefined ? shuffle(files, seed, 'files') : files.slice();
}
