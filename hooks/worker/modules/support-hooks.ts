// Hooks that a shared support module registers when it is imported (`before`/`after` at the top level of
// test/support.ts). mocha puts them on the root suite of the run (serially) or of the first file a worker loads
// (in parallel), so they run once per run, or only for each worker's first file: other files run without them.
// Runs in: worker (or the --no-parallel process), while spec files load.
//
// Without fresh modules the plugin warns, naming the module. With them (isolation.modules: 'file') the module
// runs again for every file: in parallel each file has its own root suite, so its hooks apply to that file;
// serially the run has one root suite, so the hooks a file's load registered there are moved onto that file's
// own top-level describes (a before/after hook runs once for the file, before its first describe and after its
// last; beforeEach/afterEach around each of its tests).

import type { Hook, Runner, Suite } from 'mocha';
import { type HookKind, suiteHooks } from '../../shared/mocha-internals';

type Kind = HookKind;
type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

/** What one spec file's load registered on the root suite from modules other than the spec file itself. */
export interface LoadRecord {
  file: string;
  /** The modules (absolute paths) that registered root hooks during the load. */
  modules: Set<string>;
  hooks: Array<{ kind: Kind; hook: Hook }>;
  /** The top-level describes the file added to the root suite. */
  suites: Suite[];
}

export interface SupportHooks {
  /** Wraps the interface's hook functions (on pre-require) to see which module registers each root hook. */
  watch(context: Record<string, unknown>, root: Suite): void;
  loadStarted(root: Suite): void;
  loadEnded(root: Suite, file: string): LoadRecord;
}

const HOOK_FUNCTIONS: Record<string, Kind> = {
  before: 'beforeAll',
  after: 'afterAll',
  beforeEach: 'beforeEach',
  afterEach: 'afterEach',
  suiteSetup: 'beforeAll',
  suiteTeardown: 'afterAll',
  setup: 'beforeEach',
  teardown: 'afterEach',
};

/** The suite's own list of its hooks of one kind (mocha always has one). */
function hookList(suite: Suite, kind: Kind): Hook[] {
  return suiteHooks(suite, kind) ?? [];
}

/** The file of the first stack frame outside this module and mocha: the module calling before()/after(). */
function callerFile(): string | undefined {
  const original = Error.prepareStackTrace;
  Error.prepareStackTrace = (_error, frames) => frames;
  const frames = new Error().stack as unknown as NodeJS.CallSite[];
  Error.prepareStackTrace = original;
  for (const frame of frames) {
    const file = frame.getFileName();
    if (
      file !== undefined &&
      file !== null &&
      file !== __filename &&
      !file.startsWith('node:') &&
      !/[\\/]node_modules[\\/]mocha[\\/]/.test(file)
    )
      return file;
  }
  return undefined;
}

// Which module registered each hook (found by callerFile in watch); a WeakMap keeps Hook objects untouched.
const hookModule = new WeakMap<Hook, string>();

export function createSupportHooks(): SupportHooks {
  let current: { modules: Set<string>; hooks: Array<{ kind: Kind; hook: Hook }>; suitesBefore: number } | undefined;
  const wrapped = new WeakSet<object>();
  return {
    watch(context, root) {
      for (const [name, kind] of Object.entries(HOOK_FUNCTIONS)) {
        const original = context[name];
        if (typeof original !== 'function' || wrapped.has(original)) continue;
        const watching = function (this: unknown, ...args: unknown[]): unknown {
          const before = hookList(root, kind).length;
          const result = (original as AnyFunction).apply(this, args);
          const added = hookList(root, kind).slice(before);
          if (added.length > 0 && current !== undefined) {
            const module = callerFile();
            if (module !== undefined) {
              current.modules.add(module);
              for (const hook of added) {
                hookModule.set(hook, module);
                current.hooks.push({ kind, hook });
              }
            }
          }
          return result;
        };
        wrapped.add(watching);
        context[name] = watching;
      }
    },
    loadStarted(root) {
      current = { modules: new Set(), hooks: [], suitesBefore: root.suites.length };
    },
    loadEnded(root, file) {
      const loaded = current ?? { modules: new Set<string>(), hooks: [], suitesBefore: root.suites.length };
      current = undefined;
      // The spec file's own top-level hooks are its business; only other modules' count.
      loaded.modules.delete(file);
      const hooks = loaded.hooks.filter(({ hook }) => hookModule.get(hook) !== file);
      return { file, modules: loaded.modules, hooks, suites: root.suites.slice(loaded.suitesBefore) };
    },
  };
}

/**
 * Serially, with fresh modules: moves the support hooks a file's load put on the root suite onto that file's
 * top-level describes. `runner` counts which describes will run (after --grep).
 */
export function moveOntoFileSuites(root: Suite, record: LoadRecord, runner: () => Runner | undefined): void {
  const { suites } = record;
  if (record.hooks.length === 0 || suites.length === 0) return;
  const willRun = (): number => suites.filter((suite) => (runner()?.grepTotal(suite) ?? suite.total()) > 0).length;
  for (const { kind, hook } of record.hooks) {
    const rootList = hookList(root, kind);
    const index = rootList.indexOf(hook);
    if (index >= 0) rootList.splice(index, 1);
    const fn = hook.fn as unknown as AnyFunction;
    // mocha prefixes the title it was given (`"before all" hook: name`); it adds the prefix again.
    const title = hook.title.replace(/^"[^"]*" hook:? ?/, '');
    if (kind === 'beforeAll') {
      let ran = false;
      const once = guarded(fn, () => {
        if (ran) return false;
        ran = true;
        return true;
      });
      for (const suite of suites) prepend(suite, kind, () => suite.beforeAll(title, once as never));
    } else if (kind === 'afterAll') {
      let finished = 0;
      const last = guarded(fn, () => ++finished >= willRun());
      for (const suite of suites) suite.afterAll(title, last as never);
    } else if (kind === 'beforeEach') {
      for (const suite of suites) prepend(suite, kind, () => suite.beforeEach(title, fn as never));
    } else {
      for (const suite of suites) suite.afterEach(title, fn as never);
    }
  }
}

/** Adds a hook through mocha's API, then moves it first: the support module's hooks ran first at import. */
function prepend(suite: Suite, kind: Kind, add: () => void): void {
  add();
  const list = hookList(suite, kind);
  const added = list.pop();
  if (added !== undefined) list.unshift(added);
}

/** Runs `fn` only when `shouldRun()` says so, keeping its arity (mocha reads `done` from it). */
function guarded(fn: AnyFunction, shouldRun: () => boolean): AnyFunction {
  if (fn.length > 0) {
    return function (this: unknown, done: unknown) {
      if (!shouldRun()) return (done as () => void)();
      return fn.call(this, done);
    };
  }
  return function (this: unknown) {
    if (!shouldRun()) return undefined;
    return fn.call(this);
  };
}
