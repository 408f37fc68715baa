// Fresh project modules for every spec file (isolation.modules: 'file'), one copy of each within a file. Runs in:
// worker (or the --no-parallel process), around each spec file's load and its tests.
//
// A spec file's project modules (what its load put in the CommonJS require cache, TypeScript through a register
// hook included) are taken out of the cache when its load ends and kept with the file; when its tests start
// they go back in, so a module a test loads lazily (a library requiring a dialect on first use) finds the
// copies the file loaded and joins them; when its tests end, all of them leave the cache. Why not drop them when
// the load ends: an ORM's suite went from 0 to 79 failures, its lazily loaded modules coming back as second
// copies (a patched method "is not a function", an error failing an instanceof against its own class).
// Serially mocha loads every file before running any, so each file's copies wait beside it until its turn.
//
// Kept for the process: everything under node_modules (that is where the speed comes from), everything loaded
// before the first spec file (the plugin, mocha, and the project's --require'd setup, whose resets hold
// references to the modules it imported: a fresh copy would escape them), the globs of isolation.keepModules,
// and a module a kept one loads lazily during a test (the kept module holds it from then on: a fresh copy per
// file would give the process two). The last is said once, naming it. ESM modules cannot be unloaded at all.

import path from 'node:path';

type CachedModule = NodeJS.Module & { parent?: NodeJS.Module | null };

export interface FreshModules {
  /** A spec file is about to load: the first call fixes what counts as the run's setup. */
  loading(): void;
  /** Its load ended: its project modules leave the cache and wait with it. Returns how many. */
  loaded(file: string): number;
  /** Its tests start: its modules are back in the cache. */
  started(file: string): void;
  /** Its tests ended: every project module it had leaves the cache. Returns how many. */
  ended(file: string): number;
}

/** A module a kept module loaded lazily while a test ran: kept from then on. */
export interface Adopted {
  module: string;
  by: string;
}

/** `*` within a path segment, `**` across segments, `?` one character; relative to the working directory. */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i] as string;
    if (char === '*' && glob[i + 1] === '*') {
      source += '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

export function createFreshModules(cwd: string, keepGlobs: readonly string[], adopted: (found: Adopted) => void = () => {}): FreshModules {
  const root = `${path.resolve(cwd)}${path.sep}`;
  const nodeModules = `${path.sep}node_modules${path.sep}`;
  const keep = keepGlobs.map(globToRegExp);
  let setup: Set<string> | undefined;
  // Each loaded file's copies until its tests start; then the names it started with, until they end.
  const waiting = new Map<string, Map<string, NodeJS.Module>>();
  const started = new Map<string, Set<string>>();
  const isProjectModule = (file: string): boolean => {
    if (!file.startsWith(root) || file.includes(nodeModules) || setup?.has(file) === true) return false;
    const relative = file.slice(root.length).split(path.sep).join('/');
    return !keep.some((glob) => glob.test(relative));
  };
  const projectModules = (): string[] => Object.keys(require.cache).filter(isProjectModule);
  /** A module loaded during a test by a kept module (its parent): kept, with what it loaded in turn. */
  const adoptLazyLoads = (known: ReadonlySet<string>): void => {
    let grew = true;
    while (grew && setup !== undefined) {
      grew = false;
      for (const file of projectModules()) {
        if (known.has(file)) continue;
        const parent = (require.cache[file] as CachedModule | undefined)?.parent?.filename;
        if (parent === undefined || isProjectModule(parent)) continue;
        setup.add(file);
        grew = true;
        adopted({ module: file, by: parent });
      }
    }
  };
  return {
    loading() {
      setup ??= new Set(Object.keys(require.cache));
    },
    loaded(file) {
      if (setup === undefined) return 0;
      const copies = new Map<string, NodeJS.Module>();
      for (const name of projectModules()) {
        copies.set(name, require.cache[name] as NodeJS.Module);
        delete require.cache[name];
      }
      waiting.set(file, copies);
      return copies.size;
    },
    started(file) {
      const copies = waiting.get(file);
      if (copies === undefined) return;
      waiting.delete(file);
      for (const [name, module] of copies) require.cache[name] = module;
      started.set(file, new Set(copies.keys()));
    },
    ended(file) {
      if (setup === undefined) return 0;
      adoptLazyLoads(started.get(file) ?? new Set());
      started.delete(file);
      let dropped = 0;
      for (const name of projectModules()) {
        delete require.cache[name];
        dropped++;
      }
      return dropped;
    },
  };
}
