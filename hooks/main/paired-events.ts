// The main process's side of the lean worker stream (shared/worker-events.ts): publishes which events the main
// process listens to, and replays a packed event as the test's outcome followed by its "test end". Runs in: main
// process, parallel runs, once, from global setup (after every listener of the run is attached).

import type { Runner, Test } from 'mocha';
import { ENV } from '../config';
import { eventsToSend, PACKED_OUTCOMES, PACKED_PREFIX, unpackTest } from '../shared/worker-events';

export function leanWorkerStream(runner: Runner, env: NodeJS.ProcessEnv): void {
  // Workers are forked after global setup and inherit this environment.
  env[ENV.workerEvents] = eventsToSend((event) => runner.listenerCount(event)).join(',');
  for (const outcome of PACKED_OUTCOMES) {
    runner.on(`${PACKED_PREFIX}${outcome}`, (data: Record<string, unknown>) => {
      const test = unpackTest(data);
      runner.emit(outcome, test, undefined);
      runner.emit('test end', test, undefined);
    });
  }
}
