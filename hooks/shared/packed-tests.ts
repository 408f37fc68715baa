// Passing and pending tests as one event: the worker packs a run of them, the main process unpacks each as the
// object mocha's own serializer and deserializer would have made. Runs in: worker (packs) and main process
// (unpacks). Pure.
//
// mocha's way costs most of what a trivial test costs in parallel: in the worker, Test#serialize() builds the
// test's title path three times and its serializer walks every value of every event; in the main process its
// deserializer walks every value again (a Set and a regular expression per value). A packed run holds each
// suite's title path once, each file name and each test body (its function's source, the same for every test a
// loop makes from one function) once, and per test only what differs, as one JSON string neither walk looks into. The worker checks once per file that this form rebuilds exactly what Test#serialize() returns
// (sameAsMocha); if a mocha version serializes tests differently, its tests go mocha's way.

/** The event a run of packed tests travels as. */
export const PACKED_EVENT = 'mocha-isolation: passed or pending tests, each then its test end';

/** The outcomes that are packed: each is replayed with the test's "test end" right after it. */
export const PACKED_OUTCOMES: ReadonlySet<string> = new Set(['pass', 'pending']);

/** mocha's key for an object's identity in worker events (utils.cjs MOCHA_ID_PROP_NAME). */
const MOCHA_ID = '__mocha_id__';

/** What the worker reads of a test: the fields Test#serialize() reads, through the same names. */
export interface PackableTest {
  readonly id?: string;
  title: string;
  body?: string;
  duration?: number;
  err?: unknown;
  speed?: string;
  state?: string;
  type?: string;
  file?: string;
  pending?: boolean;
  _currentRetry?: number;
  _retriedTest?: unknown;
  _slow?: number;
  parent?: { readonly id?: string; titlePath(): string[] };
  serialize(): unknown;
}

interface PackedSuite {
  /** The suite's mocha id. */
  i: string | undefined;
  /** Its title path (Suite#titlePath()). */
  p: string[];
}

// A test as a JSON array (a third the size of an object, and quicker to write and read). JSON has no undefined
// in arrays: a field mocha leaves undefined is null here, so a test with a field that really is null is not packed.
type Field<T> = T | null;
type PackedTest = [
  outcome: number, // index into OUTCOMES
  suite: number, // index into the run's suites
  file: Field<number>, // index into the run's files
  id: Field<string>,
  title: string,
  body: Field<number>, // index into the run's bodies
  duration: Field<number>,
  speed: Field<string>,
  state: Field<string>,
  currentRetry: Field<number>,
  slow: Field<number>,
  isPending: boolean,
];

interface PackedRun {
  suites: PackedSuite[];
  files: string[];
  bodies: string[];
  tests: PackedTest[];
}

const emptyRun = (): PackedRun => ({ suites: [], files: [], bodies: [], tests: [] });

/** The index of `value` in `table`, added if new (`index` remembers where each value went). */
function indexIn(table: string[], index: Map<string, number>, value: string): number {
  let at = index.get(value);
  if (at === undefined) {
    at = table.push(value) - 1;
    index.set(value, at);
  }
  return at;
}

const OUTCOMES = ['pass', 'pending'] as const;

/** A run of tests being packed (worker side). */
export class PackedTests {
  private run = emptyRun();
  private suiteIndex = new Map<object, number>();
  private fileIndex = new Map<string, number>();
  private bodyIndex = new Map<string, number>();

  get size(): number {
    return this.run.tests.length;
  }

  /**
   * Adds a test that passed or is pending; false when it holds what only mocha's serializer sends (an error, a
   * retried attempt) or a field that is null.
   */
  add(test: PackableTest, outcome: string): boolean {
    const o = OUTCOMES.indexOf(outcome as (typeof OUTCOMES)[number]);
    const parent = test.parent;
    if (o === -1 || parent === undefined || test.type !== 'test' || test.err !== undefined || test._retriedTest) return false;
    const { id, title, body, duration, speed, state, file, _currentRetry: retry, _slow: slow } = test;
    if (
      id === null ||
      body === null ||
      duration === null ||
      speed === null ||
      state === null ||
      file === null ||
      retry === null ||
      slow === null
    )
      return false;
    let s = this.suiteIndex.get(parent);
    if (s === undefined) {
      s = this.run.suites.push({ i: parent.id, p: parent.titlePath() }) - 1;
      this.suiteIndex.set(parent, s);
    }
    const f = file === undefined ? null : indexIn(this.run.files, this.fileIndex, file);
    const b = body === undefined ? null : indexIn(this.run.bodies, this.bodyIndex, body);
    this.run.tests.push([
      o,
      s,
      f,
      id ?? null,
      title,
      b,
      duration ?? null,
      speed ?? null,
      state ?? null,
      retry ?? null,
      slow ?? null,
      Boolean(test.pending),
    ]);
    return true;
  }

  /** The run as an event's data, and a new run begun. */
  take(): Record<string, unknown> {
    const packed = JSON.stringify(this.run);
    this.run = emptyRun();
    this.suiteIndex = new Map();
    this.fileIndex = new Map();
    this.bodyIndex = new Map();
    return { $$packed: packed };
  }
}

/**
 * Whether the packed form of `test` rebuilds exactly what mocha's Test#serialize() returns, as JSON (the form
 * mocha sends it in); undefined when the test is not one that is packed (no verdict on this mocha from it).
 */
export function sameAsMocha(test: PackableTest, outcome: string): boolean | undefined {
  const one = new PackedTests();
  if (!one.add(test, outcome)) return undefined;
  const run = JSON.parse((one.take() as { $$packed: string }).$$packed) as PackedRun;
  return JSON.stringify(serialized(run, run.tests[0] as PackedTest)) === JSON.stringify(test.serialize());
}

const given = <T>(value: Field<T>): T | undefined => (value === null ? undefined : value);

/** A packed test as Test#serialize() returns it (for the check above). */
function serialized(run: PackedRun, packed: PackedTest): Record<string, unknown> {
  const [, s, f, id, title, body, duration, speed, state, retry, slow, isPending] = packed;
  const suite = run.suites[s] as PackedSuite;
  const titlePath = [...suite.p, title];
  return {
    $$currentRetry: given(retry),
    $$fullTitle: titlePath.join(' '),
    $$isPending: isPending,
    $$retriedTest: null,
    $$slow: given(slow),
    $$titlePath: titlePath,
    body: body === null ? undefined : run.bodies[body],
    duration: given(duration),
    parent: { $$fullTitle: suite.p.join(' '), [MOCHA_ID]: suite.i },
    speed: given(speed),
    state: given(state),
    title,
    type: 'test',
    file: f === null ? undefined : run.files[f],
    [MOCHA_ID]: given(id),
  };
}

/**
 * The tests of a packed event, as mocha delivers its data (its `$$packed` became a function `packed()`), each
 * with its outcome. Each test is the object mocha's deserializer makes of Test#serialize(): the plain keys in
 * order, then each `$$name` as a function `name()` returning the value, with keys whose value is undefined left
 * out (they do not survive JSON).
 */
export function unpackTests(data: Record<string, unknown>): Array<{ outcome: string; test: Record<string, unknown> }> {
  const run = JSON.parse((data.packed as () => string)()) as PackedRun;
  const suiteTitles = run.suites.map((suite) => suite.p.join(' '));
  return run.tests.map((packed) => {
    const [o, s, f, id, title, b, duration, speed, state, retry, slow, isPending] = packed;
    const suite = run.suites[s] as PackedSuite;
    const suiteTitle = suiteTitles[s] as string;
    const parent = suite.i === undefined ? { fullTitle: () => suiteTitle } : { [MOCHA_ID]: suite.i, fullTitle: () => suiteTitle };
    // Built on first call (most reporters never ask), then the same array and string every call, as mocha's.
    let titlePath: string[] | undefined;
    let fullTitle: string | undefined;
    const pathOf = (): string[] => (titlePath ??= [...suite.p, title]);
    const test: Record<string, unknown> =
      b !== null && duration !== null && speed !== null && state !== null && f !== null && id !== null
        ? { body: run.bodies[b], duration, parent, speed, state, title, type: 'test', file: run.files[f], [MOCHA_ID]: id }
        : withoutUndefined({
            body: b === null ? null : run.bodies[b],
            duration,
            parent,
            speed,
            state,
            title,
            type: 'test',
            file: f === null ? null : run.files[f],
            [MOCHA_ID]: id,
          });
    if (retry !== null) test.currentRetry = () => retry;
    test.fullTitle = () => (fullTitle ??= pathOf().join(' '));
    test.isPending = () => isPending;
    test.retriedTest = () => null;
    if (slow !== null) test.slow = () => slow;
    test.titlePath = pathOf;
    return { outcome: OUTCOMES[o] as string, test };
  });
}

/** The fields of a packed test that were undefined (null in the packed form) left out, the others in order. */
function withoutUndefined(fields: Record<string, unknown>): Record<string, unknown> {
  const test: Record<string, unknown> = {};
  for (const key of Object.keys(fields)) if (fields[key] !== null) test[key] = fields[key];
  return test;
}
