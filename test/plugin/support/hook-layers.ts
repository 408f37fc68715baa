// Which folder of hooks/ may import which (like Playwright's DEPS.list files), and the imports that break it.
// A folder is named by its path under hooks/; the files at the top are either shared (config, errors, and the
// two files every build loads by path) or entries: the adapters mocha calls, which may use any process's code
// but the command's.
import fs from 'node:fs';
import path from 'node:path';

const SHARED_TOP_FILES = ['config.ts', 'errors.ts', 'plugin-files.ts', 'bundle-loader.ts'];

/** For each folder, the folders it may import (its own always). */
export const DEPS: Record<string, readonly string[]> = {
  shared: [],
  'main/invocation': ['shared'],
  'main/scheduling': ['shared'],
  'main/report': ['shared'],
  'main/workers': ['shared', 'main/invocation', 'main/report'],
  main: ['shared', 'main/invocation', 'main/scheduling', 'main/report', 'main/workers'],
  cli: ['shared', 'main', 'main/invocation', 'main/scheduling', 'main/report'],
  'worker/mocha': ['shared'],
  'worker/leaks': ['shared', 'worker/mocha'],
  'worker/database': ['shared', 'worker/leaks'],
  'worker/modules': ['shared'],
  worker: ['shared', 'worker/mocha', 'worker/leaks', 'worker/database', 'worker/modules'],
  helpers: ['shared', 'worker', 'worker/leaks', 'worker/database'],
  entry: ['shared', 'main', 'main/workers', 'worker', 'worker/mocha', 'worker/leaks', 'worker/modules', 'helpers'],
};

export interface ImportEdge {
  from: string;
  spec: string;
  /** The imported file, relative to the hooks folder ('..' first when outside it). */
  to: string;
}

export function listHookFiles(hooksDir: string): string[] {
  return fs
    .readdirSync(hooksDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => file.split(path.sep).join('/'))
    .sort();
}

/** Every relative import: `import`/`export … from`, `import type`, `require()`, `import()` (types included). */
export function hookImports(hooksDir: string, files: readonly string[]): ImportEdge[] {
  return files.flatMap((from) => {
    const source = fs.readFileSync(path.join(hooksDir, from), 'utf8');
    return [...source.matchAll(/(?:\bfrom|\brequire\(|\bimport\()\s*['"](\.[^'"]*)['"]/g)].map((match) => {
      const spec = match[1] as string;
      const to = path
        .relative(hooksDir, path.resolve(hooksDir, path.dirname(from), spec))
        .split(path.sep)
        .join('/');
      return { from, spec, to };
    });
  });
}

export function folderOf(file: string): string {
  const folder = path.posix.dirname(file);
  if (folder !== '.') return folder;
  return SHARED_TOP_FILES.includes(`${file.replace(/\.ts$/, '')}.ts`) ? 'shared' : 'entry';
}

/** Imports between folders that DEPS does not allow, and imports into folders it does not know. */
export function wrongWayImports(hooksDir: string, files: readonly string[]): string[] {
  const wrong: string[] = [];
  for (const edge of hookImports(hooksDir, files)) {
    if (edge.to.startsWith('..')) continue;
    const from = folderOf(edge.from);
    const to = folderOf(edge.to);
    const allowed = DEPS[from];
    if (allowed === undefined) wrong.push(`${edge.from} is in a folder DEPS does not list (${from})`);
    else if (to !== from && !allowed.includes(to)) wrong.push(`${edge.from} (${from}) imports ${edge.spec} (${to})`);
  }
  return [...new Set(wrong)].sort();
}
