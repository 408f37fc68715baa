// Which runner events a worker sends to the main process, and in what form. Runs in: main (decides, and expands
// the paired form) and worker (sends). Pure.
//
// mocha serializes every event a worker's runner emits (the whole test object each time), sends the lot to the
// main process and replays it there: most of the CPU a trivial test costs in parallel. Two things cut that
// without changing what any reporter sees. Events nothing in the main process listens to are not sent (the
// spec, dot, json and xunit reporters ignore a test's begin and every hook's begin and end). And a test that
// passed or is pending, whose outcome and "test end" mocha emits back to back with the same test, travels as
// one event holding the test as one JSON string, which the main process replays as the two: mocha's main
// process walks every value of an event (a Set allocation and a regular expression per value), which for a
// test's sixteen fields, twice, is most of what the main process spends on it. A failure goes mocha's way:
// its error is rebuilt by mocha's serializer, quirks included, and reporters print those.

/** The events a worker's reporter can send (mocha's ParallelBuffered reporter listens to these). */
export const WORKER_EVENTS = ['suite', 'suite end', 'test', 'pending', 'fail', 'pass', 'retry', 'test end', 'hook', 'hook end'] as const;
const DROPPABLE: ReadonlySet<string> = new Set(WORKER_EVENTS);
/** Any other event (mocha's --delay events, one a later mocha adds) is always sent, as mocha would. */
export const mayDrop = (event: string): boolean => DROPPABLE.has(event) && !ALWAYS_SENT.has(event);
/** Always sent: mocha's main process reads a suite's bail flag from them, whoever listens. */
const ALWAYS_SENT: ReadonlySet<string> = new Set(['suite', 'suite end']);
/** The outcomes sent packed with their "test end" (see packTest). */
export const PACKED_OUTCOMES: ReadonlySet<string> = new Set(['pass', 'pending']);

/** A test's outcome and its "test end" as one event: this prefix, then the outcome's name. */
export const PACKED_PREFIX = 'mocha-isolation: packed, then test end: ';

/** mocha's key for an object's identity in worker events (utils.cjs MOCHA_ID_PROP_NAME). */
const MOCHA_ID = '__mocha_id__';

// The only objects a packed test may hold: everything else (an error, the attempt a retried test replaces) goes
// through mocha's serializer, which knows how to send it.
const PLAIN_OBJECT_FIELDS: ReadonlySet<string> = new Set(['parent', '$$titlePath']);

/**
 * A test as the data of a packed event: its id (mocha links objects by it) and Test#serialize() as JSON; or
 * undefined when the serialized test holds an object only mocha's serializer can send.
 */
export function packTest(test: { id?: string; serialize(): unknown }): Record<string, unknown> | undefined {
  const fields = test.serialize() as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    if (value !== null && typeof value === 'object' && !PLAIN_OBJECT_FIELDS.has(key)) return undefined;
  }
  return { [MOCHA_ID]: test.id, $$packed: JSON.stringify(fields) };
}

/**
 * Turns the data of a packed event, as mocha delivers it (its `$$packed` became a function), into the test
 * object mocha's own deserializer would have made: every `$$name` becomes a function `name()` returning the
 * value, after the other keys, as mocha's in-place renaming leaves them. If mocha linked the data to an earlier
 * event's object (a reporter asked for linked objects), that object is filled in, keeping its identity.
 */
export function unpackTest(data: Record<string, unknown>): Record<string, unknown> {
  const fields = revive(JSON.parse((data.packed as () => string)())) as Record<string, unknown>;
  if (Object.keys(data).length === 2) return fields;
  delete data.packed;
  delete data[MOCHA_ID];
  return Object.assign(data, fields);
}

// Builds new objects instead of renaming in place (mocha's way): the same keys in the same order, without the
// deletions that make every object slow to build and to read.
function revive(value: unknown): unknown {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (value[i] !== null && typeof value[i] === 'object') value[i] = revive(value[i]);
    return value;
  }
  if (value === null || typeof value !== 'object') return value;
  const source = value as Record<string, unknown>;
  const object: Record<string, unknown> = {};
  const derived: Array<[string, unknown]> = [];
  for (const key of Object.keys(source)) {
    if (key === '__proto__') continue; // mocha drops it too
    const inner = revive(source[key]);
    if (key.startsWith('$$')) derived.push([key.slice(2), inner]);
    else object[key] = inner;
  }
  for (const [key, inner] of derived) object[key] = () => inner;
  return object;
}

/** The events to send, given how many listeners each has in the main process (read once global setup is done). */
export function eventsToSend(listenerCount: (event: string) => number): string[] {
  return WORKER_EVENTS.filter((event) => ALWAYS_SENT.has(event) || listenerCount(event) > 0);
}
