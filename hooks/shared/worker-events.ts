// Which runner events a worker sends to the main process. Runs in: main (decides) and worker (sends). Pure.
//
// mocha serializes every event a worker's runner emits (the whole test object each time), sends the lot to the
// main process and replays it there: most of the CPU a trivial test costs in parallel. Two things cut that
// without changing what any reporter sees. Events nothing in the main process listens to are not sent (the
// spec, dot, json and xunit reporters ignore a test's begin and every hook's begin and end). And tests that
// passed or are pending, whose outcome and "test end" mocha emits back to back, travel packed
// (packed-tests.ts). A failure goes mocha's way: its error is rebuilt by mocha's serializer, quirks included,
// and reporters print those.

/** The events a worker's reporter can send (mocha's ParallelBuffered reporter listens to these). */
export const WORKER_EVENTS = ['suite', 'suite end', 'test', 'pending', 'fail', 'pass', 'retry', 'test end', 'hook', 'hook end'] as const;
const DROPPABLE: ReadonlySet<string> = new Set(WORKER_EVENTS);
/** Any other event (mocha's --delay events, one a later mocha adds) is always sent, as mocha would. */
export const mayDrop = (event: string): boolean => DROPPABLE.has(event) && !ALWAYS_SENT.has(event);
/** Always sent: mocha's main process reads a suite's bail flag from them, whoever listens. */
const ALWAYS_SENT: ReadonlySet<string> = new Set(['suite', 'suite end']);
/**
 * Listed with the events to send when a reporter in the main process asked mocha to link objects by id (a test's
 * parent is then the very suite object its suite event brought): tests are then not packed, mocha links them.
 */
export const LINKS_OBJECTS = 'mocha-isolation: mocha links objects';

/**
 * The events to send, given how many listeners each has in the main process (read once global setup is done),
 * and whether mocha links objects by id there.
 */
export function eventsToSend(listenerCount: (event: string) => number, linksObjects: boolean): string[] {
  const events: string[] = WORKER_EVENTS.filter((event) => ALWAYS_SENT.has(event) || listenerCount(event) > 0);
  return linksObjects ? [...events, LINKS_OBJECTS] : events;
}
