// Loads the bundled plugin (dist/hooks/plugin.js, made by `npm run build`) with a V8 code cache kept in the
// project's .mocha-isolation/code-cache/. Runs in: every process that loads the plugin (the main process, each
// worker), once, before any of the plugin's modules; the entry files of the build call it, the sources never do.
// Why: each of those processes compiles the plugin before its first test, the bundle's parse and then every
// function it runs on the way; from the cache of the last run V8 skips both (issue 10 §3: ~30 ms less to the
// first test of a parallel run on a loaded 2-CPU machine). Node 22's module.enableCompileCache() does this for
// a whole process; Node 20 has no such switch, and a plugin must not change how the project's own code loads.
// The cache is an optimisation only: whatever goes wrong with it, the bundle loads as a plain require would.

import fs from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { PROJECT_CACHE_DIR, writeCacheFile } from './shared/cache-file';
import { shortHash } from './shared/short-hash';

/** Relative to the working directory, beside the duration cache and the run report (git-ignored with them). */
export const CODE_CACHE_DIR = path.join(PROJECT_CACHE_DIR, 'code-cache');

type ModuleInternals = typeof Module & { _nodeModulePaths(from: string): string[] };

/**
 * The bundle's exports, as `require(bundleFile)` returns them (the same module object, in require's cache).
 * `contentHash` is the bundle's hash, worked out by the build: hashing it here would load node:crypto, ~4 ms.
 */
export function loadBundle(bundleFile: string, contentHash: string, cacheDir: string = path.resolve(CODE_CACHE_DIR)): unknown {
  const loaded = require.cache[bundleFile];
  if (loaded !== undefined) return loaded.exports;
  let compiled: Compiled | undefined;
  try {
    compiled = compileWithCache(bundleFile, contentHash, cacheDir);
  } catch {
    compiled = undefined;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle by its path, when its code cache cannot be used
  if (compiled === undefined) return require(bundleFile);

  const bundle = new Module(bundleFile, module);
  bundle.filename = bundleFile;
  bundle.paths = (Module as ModuleInternals)._nodeModulePaths(path.dirname(bundleFile));
  require.cache[bundleFile] = bundle;
  try {
    const wrapper = compiled.script.runInThisContext() as (...args: unknown[]) => void;
    wrapper.call(bundle.exports, bundle.exports, Module.createRequire(bundleFile), bundle, bundleFile, path.dirname(bundleFile));
  } catch (error) {
    // As require does: a module that threw is not kept, the next require runs it again.
    delete require.cache[bundleFile];
    throw error;
  }
  bundle.loaded = true;
  // Said once per run (by the main process): the key covers the bundle, Node and its options, so a refusal means
  // the file was damaged. It costs only this run's compile time.
  if (compiled.refused && process.env.MOCHA_WORKER_ID === undefined) {
    process.stderr.write(
      `mocha-isolation: the code cache "${path.relative(process.cwd(), compiled.cacheFile)}" was refused by V8 (damaged): the plugin loaded without it, and rewrites it.\n`,
    );
  }
  if (compiled.stale) process.once('exit', () => writeCodeCache(compiled.script, compiled.cacheFile));
  return bundle.exports;
}

interface Compiled {
  script: vm.Script;
  cacheFile: string;
  /** No cache, or V8 turned it down: this process writes one when it exits, with what it compiled by then. */
  stale: boolean;
  /** There was a cache file and V8 turned it down. */
  refused: boolean;
}

function compileWithCache(bundleFile: string, contentHash: string, cacheDir: string): Compiled {
  const source = fs.readFileSync(bundleFile, 'utf8');
  // V8 checks its own version and flags, but of the source only the length: the key covers the content (a
  // rebuilt bundle of the same length must not run old code; the file's time, for one edited after the build,
  // as patch-package does), the Node binary and its options.
  const { mtimeMs } = fs.statSync(bundleFile);
  const key = shortHash(`${contentHash}\0${mtimeMs}\0${process.version}\0${process.arch}\0${process.execArgv.join('\0')}`);
  // Each process keeps its own kind of cache: the main process and a worker run different parts of the plugin.
  const role = process.env.MOCHA_WORKER_ID === undefined ? 'main' : 'worker';
  const cacheFile = path.join(cacheDir, `${path.basename(bundleFile, '.js')}-${role}-${key}.bin`);
  const cachedData = readIfPresent(cacheFile);
  const script = new vm.Script(Module.wrap(source), { filename: bundleFile, cachedData });
  const refused = cachedData !== undefined && script.cachedDataRejected === true;
  return { script, cacheFile, stale: cachedData === undefined || refused, refused };
}

function readIfPresent(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/** What this process compiled, for the next one of its kind (the files of an older bundle or Node removed). */
function writeCodeCache(script: vm.Script, cacheFile: string): void {
  const name = path.basename(cacheFile);
  const kind = name.slice(0, name.lastIndexOf('-') + 1);
  // The code cache folder sits in the project's cache folder, which a run creates.
  writeCacheFile(
    path.dirname(path.dirname(cacheFile)),
    cacheFile,
    (temporary) => fs.writeFileSync(temporary, script.createCachedData()),
    (other) => other.startsWith(kind) && other.endsWith('.bin'),
  );
}
