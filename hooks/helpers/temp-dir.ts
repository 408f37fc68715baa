// A fresh folder for the running test (or, from a before() hook, for the running file), inside the run folder.
// Runs in: worker, per call.

import { loadTmp } from '../shared/lazy-tmp';
import { workerState } from '../worker/current';
import { withOwnListeners } from '../worker/leaks/leak-watch';

/**
 * A new empty folder, removed when the test ends (pass or fail); called in a before() hook, when the file ends.
 * @example const dir = tempDir(); fs.writeFileSync(path.join(dir, 'input.csv'), rows);
 */
export function tempDir(): string {
  const state = workerState('tempDir');
  const scope = state.currentScope('tempDir');
  // tmp adds an 'exit' listener when first loaded, often inside a test: the plugin's, not the test's leak.
  const dir = withOwnListeners(loadTmp).dirSync({ tmpdir: state.layout.root, prefix: `${scope.kind}-`, unsafeCleanup: true });
  scope.defer(() => dir.removeCallback());
  return dir.name;
}
