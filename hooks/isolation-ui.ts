// The interface the config helper sets: the project's own (bdd unless ISOLATION_UI says otherwise), plus a look at
// every spec file as it loads. Runs in: every process that loads spec files.
//
// Why: serially mocha loads every spec file before the first test, so what a file's module code writes to
// process.env would be seen by every file. mocha emits pre-require/post-require on the root suite around each
// file; the plugin records each file's writes and applies them only while that file runs. The same two events
// let it load the project's modules fresh for every file (isolation.modules: 'file') and see which modules
// register root hooks at import.

import type { Suite } from 'mocha';
import { ENV } from './config';
import { ensureProcessState } from './process-state';
import { reportLoadFailuresAsTests } from './worker/mocha/load-failures';
import { loadedMocha } from './shared/mocha-module';

type BindInterface = (suite: Suite) => void;

function isolationInterface(suite: Suite): void {
  bindProjectInterface(suite, process.env[ENV.ui] ?? 'bdd');
  reportLoadFailuresAsTests();
  // After the project interface's own pre-require listener, which puts before/after/describe on the context.
  suite.on('pre-require', (context: Record<string, unknown>, file: string) => ensureProcessState().fileLoading(context, suite, file));
  suite.on('post-require', (_context: unknown, file: string) => ensureProcessState().fileLoaded(file));
}

function bindProjectInterface(suite: Suite, name: string): void {
  const mocha = loadedMocha() as unknown as { interfaces: Record<string, BindInterface> };
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- an interface named by the project, as mocha itself requires it
  const found = mocha.interfaces[name] ?? (require(name) as BindInterface | { default: BindInterface });
  (typeof found === 'function' ? found : found.default)(suite);
}

// The module itself is the interface: mocha 10 and 11 call what `require(ui)` returns (12 also takes `default`).
export = isolationInterface;
