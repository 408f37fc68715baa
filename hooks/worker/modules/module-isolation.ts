// Which modules a spec file gets: with isolation.modules 'file', fresh copies of the project's modules for every
// file (fresh-modules.ts) and support modules' import-time hooks applied to every file (support-hooks.ts);
// without it, a warning when a support module's hooks will miss files. Runs in: worker (or the --no-parallel
// process), around each spec file's load, through the plugin's interface (set by defineConfig).

import fs from 'node:fs';
import path from 'node:path';
import type { Runner, Suite } from 'mocha';
import type { IsolationConfig } from '../../config';
import type { RunLayout } from '../../shared/run-layout';
import { type Adopted, createFreshModules, type FreshModules } from './fresh-modules';
import { createSupportHooks, type LoadRecord, moveOntoFileSuites } from './support-hooks';

const print = (line: string): void => void process.stderr.write(`${line}\n`);

export class ModuleIsolation {
  private readonly fresh: FreshModules | undefined;
  private readonly support = createSupportHooks();
  /** Project modules that registered root hooks when a spec file loaded them. */
  private readonly supportModules = new Set<string>();
  private root: Suite | undefined;

  constructor(
    private readonly config: IsolationConfig,
    private readonly layout: RunLayout,
    private readonly cwd: string,
  ) {
    this.fresh = config.modules === 'file' ? createFreshModules(cwd, config.keepModules, (found) => this.warnAdopted(found)) : undefined;
  }

  loadStarted(context: Record<string, unknown>, root: Suite, _file: string): void {
    this.root = root;
    this.fresh?.loading();
    this.support.watch(context, root);
    this.support.loadStarted(root);
  }

  /** `runner`: serially, to count which of the file's describes run (after --grep). */
  loadEnded(file: string, runner: () => Runner | undefined): void {
    const root = this.root;
    if (root === undefined) return;
    const record = this.support.loadEnded(root, file);
    if (this.fresh !== undefined && isEsModule(file)) {
      this.warnOnce(
        'esm',
        `mocha-isolation: ${this.key(file)} is an ES module: Node cannot unload ES modules, so the project modules it imports are shared by every file of a worker even with isolation.modules 'file'. Use CommonJS (or TypeScript compiled to it) for fresh modules.`,
      );
    }
    if (this.fresh !== undefined) {
      if (this.config.workerId === undefined) moveOntoFileSuites(root, record, runner);
      this.fresh.loaded(file);
      return;
    }
    this.warnIfHooksMissFiles(record);
  }

  /** The file's tests start: its own copies of the project's modules are the ones in the cache. */
  fileStarted(file: string): void {
    this.fresh?.started(file);
  }

  /** Its tests ended: its copies, and what its tests loaded with them, leave the cache. */
  fileEnded(file: string): void {
    this.fresh?.ended(file);
  }

  private warnAdopted({ module, by }: Adopted): void {
    this.warnOnce(
      `adopted-${this.key(module).replace(/[^\w.-]/g, '_')}`,
      `mocha-isolation: ${this.key(module)} was first loaded while a test ran, by ${this.key(by)}, which every spec file shares (loaded before the first spec file, kept, or under node_modules). ` +
        `It is kept for the ${this.config.workerId === undefined ? "run's" : "worker's"} life as ${this.key(by)} is: isolation.modules 'file' cannot give each file its own copy without giving the process two.`,
    );
  }

  /**
   * A support module seen registering hooks for an earlier file, imported again by this one (it is among this
   * file's modules), registered nothing: it was cached, and this file runs without its hooks.
   */
  private warnIfHooksMissFiles(record: LoadRecord): void {
    for (const module of record.modules) if (this.isProjectModule(module)) this.supportModules.add(module);
    if (this.supportModules.size === 0) return;
    const imported = importedModules(record.file);
    const missed = [...this.supportModules].filter((module) => !record.modules.has(module) && imported.has(module));
    if (missed.length === 0) return;
    const names = missed.map((module) => this.key(module)).join(', ');
    this.warnOnce(
      'support-hooks',
      `mocha-isolation: ${names} registers before/after hooks when it is imported; mocha runs them for the first spec file that imports it in each ` +
        `${this.config.workerId === undefined ? 'run (serially: once, around the whole run)' : 'worker'}, and ${this.key(record.file)} runs without them. ` +
        `Move them into mochaHooks in a --require'd file, or set isolation.modules: 'file' (ISOLATION_MODULES=file) to load the project's modules fresh for every spec file.`,
    );
  }

  private isProjectModule(file: string): boolean {
    return file.startsWith(`${this.cwd}${path.sep}`) && !file.includes(`${path.sep}node_modules${path.sep}`);
  }

  private key(file: string): string {
    return path.relative(this.cwd, file).split(path.sep).join('/');
  }

  /** Once per run, whichever process gets there first (a file in the run folder says it was said). */
  private warnOnce(what: string, message: string): void {
    try {
      fs.writeFileSync(path.join(this.layout.root, `warned-${what}`), '', { flag: 'wx' });
    } catch {
      return;
    }
    print(message);
  }
}

/** Every module the spec file's module required, directly or not (Node lists cached ones as children too). */
function importedModules(file: string): Set<string> {
  const found = new Set<string>();
  const pending = [require.cache[file]];
  while (pending.length > 0) {
    const module = pending.pop();
    if (module === undefined || found.has(module.filename)) continue;
    found.add(module.filename);
    for (const child of module.children) if (!child.filename.includes(`${path.sep}node_modules${path.sep}`)) pending.push(child);
  }
  return found;
}

/**
 * Whether mocha loaded the spec file as an ES module (.mjs, .mts, or "type": "module"): not in the CommonJS cache
 * (mocha imported it), or there with a module namespace as its exports (Node 22.12+ and 24 let mocha require() an
 * ES module; deleting that entry does not unload it: the next require returns the same module).
 */
function isEsModule(file: string): boolean {
  const cached = require.cache[file];
  return cached === undefined || Object.prototype.toString.call(cached.exports) === '[object Module]';
}
