// The main process's side of the lean worker stream (shared/worker-events.ts): publishes which events the main
// process listens to, and replays a packed event as each test's outcome followed by its "test end". Runs in: main
// process, parallel runs, once, from global setup (after every listener of the run is attached).

import type { Runner } from 'mocha';
import { ENV } from '../../config';
import { eventsToSend } from '../../shared/worker-events';
import { PACKED_EVENT, unpackTests } from '../../shared/packed-tests';
import { linksPartialObjects } from '../../shared/mocha-internals';

/** `env` is the environment the workers will inherit (process.env): they are forked after global setup. */
export function leanWorkerStream(runner: Runner, env: NodeJS.ProcessEnv, stream: 'packed' | 'mocha'): void {
  // mocha's own stream: nothing published, so every worker sends every event as mocha does.
  if (stream === 'mocha') return;
  const linksObjects = linksPartialObjects(runner);
  // Workers are forked after global setup and inherit this environment.
  env[ENV.workerEvents] = eventsToSend((event) => runner.listenerCount(event), linksObjects).join(',');
  runner.on(PACKED_EVENT, (data: Record<string, unknown>) => {
    for (const { outcome, test } of unpackTests(data)) {
      runner.emit(outcome, test, undefined);
      runner.emit('test end', test, undefined);
    }
  });
}
