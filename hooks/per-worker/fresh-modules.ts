// Fresh project modules for every spec file (isolation.modules: 'file'): once a spec file has loaded, the
// project's modules it loaded are dropped from the CommonJS require cache, so the next file imports new copies
// (TypeScript through a register hook included). Runs in: worker (or the --no-parallel process), per file load.
//
// Kept: everything under node_modules (that is where the speed comes from), everything loaded before the first
// spec file (the plugin, mocha, and the project's --require'd setup, whose resets hold references to the modules
// it imported: a fresh copy would escape them), and the globs of isolation.keepModules. ESM modules cannot be
// unloaded: Node keeps them for the process's life.

import path from 'node:path';

export interface FreshModules {
  /** A spec file is about to load: the first call fixes what counts as the run's setup. */
  loading(): void;
  /** Drops the project modules loaded since the setup; returns how many. */
  dropLoaded(): number;
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

export function createFreshModules(cwd: string, keepGlobs: readonly string[]): FreshModules {
  const root = `${path.resolve(cwd)}${path.sep}`;
  const nodeModules = `${path.sep}node_modules${path.sep}`;
  const keep = keepGlobs.map(globToRegExp);
  let setup: ReadonlySet<string> | undefined;
  const isProjectModule = (file: string): boolean => {
    if (!file.startsWith(root) || file.includes(nodeModules) || setup?.has(file) === true) return false;
    const relative = file.slice(root.length).split(path.sep).join('/');
    return !keep.some((glob) => glob.test(relative));
  };
  return {
    loading() {
      setup ??= new Set(Object.keys(require.cache));
    },
    dropLoaded() {
      if (setup === undefined) return 0;
      let dropped = 0;
      for (const file of Object.keys(require.cache)) {
        if (!isProjectModule(file)) continue;
        delete require.cache[file];
        dropped++;
      }
      return dropped;
    },
  };
}
