// A fresh folder for the running test, inside the run folder, removed after the test. Runs in: worker, per test.

import { workerContext } from '../per-worker/worker-context';
import { currentScope } from './scope';
import { loadTmp } from '../lazy-tmp';

/**
 * A new empty folder for this test; removed when the test ends, pass or fail.
 * @example const dir = tempDir(); fs.writeFileSync(path.join(dir, 'input.csv'), rows);
 */
export function tempDir(): string {
  const scope = currentScope('tempDir');
  const dir = loadTmp().dirSync({ tmpdir: workerContext().runDir, prefix: 'test-', unsafeCleanup: true });
  scope.defer(() => dir.removeCallback());
  return dir.name;
}

