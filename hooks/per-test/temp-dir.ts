// A fresh folder for the running test, inside the run folder, removed after the test. Runs in: worker, per test.

import tmp from 'tmp';
import { workerContext } from '../per-worker/worker-context';
import { currentScope } from './scope';

/**
 * A new empty folder for this test; removed when the test ends, pass or fail.
 * @example const dir = tempDir(); fs.writeFileSync(path.join(dir, 'input.csv'), rows);
 */
export function tempDir(): string {
  const scope = currentScope('tempDir');
  const dir = tmp.dirSync({ tmpdir: workerContext().runDir, prefix: 'test-', unsafeCleanup: true });
  scope.defer(() => dir.removeCallback());
  return dir.name;
}
