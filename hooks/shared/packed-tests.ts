// Passing and pending tests as one event: the worker packs a run of them, the main process unpacks each as the
// object mocha's own serializer and deserializer would have made. Runs in: worker (packs) and main process
// (unpacks). Pure.
//
// mocha's way costs most of what a trivial test costs in parallel: in the worker, Test#serialize() builds the
// test's title path three times and its serializer walks every value of every event; in the main process its
// deserializer walks every value again (a Set and a regular expression per value). A packed run holds each
// suite's title path once, each file name once, and per test only what differs, as one JSON string neither walk
// looks into. The worker checks once per file that this form rebuilds exactly what Test#serialize() returns
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

interface PackedTest {
  /** 0: pass, 1: pending. */
  o: number;
  /** Index of its suite, and of its file (undefined: none). */
  s: number;
  f?: number;
  i: string | undefined;
  t: string;
  b?: string;
  d?: number;
  sp?: string;
  st?: string;
  r?: number;
  sl?: number;
  pe: boolean;
}

interface PackedRun {
  suites: PackedSuite[];
  files: string[];
  tests: PackedTest[];
}

const OUTCOMES = ['pass', 'pending'] as const;

/** A run of tests being packed (worker side). */
export class PackedTests {
  private run: PackedRun = { suites: [], files: [], tests: [] };
  private suiteIndex = new Map<object, number>();
  private fileIndex = new Map<string, number>();

  get size(): number {
    return this.run.tests.length;
  }

  /** Adds a test that passed or is pending; false when it holds what only mocha's serializer sends (an error, a retried attempt). */
  add(test: PackableTest, outcome: string): boolean {
    const o = OUTCOMES.indexOf(outcome as (typeof OUTCOMES)[number]);
    const parent = test.parent;
    if (o === -1 || parent === undefined || test.type !== 'test' || test.err !== undefined || test._retriedTest) return false;
    let s = this.suiteIndex.get(parent);
    if (s === undefined) {
      s = this.run.suites.push({ i: parent.id, p: parent.titlePath() }) - 1;
      this.suiteIndex.set(parent, s);
    }
    let f: number | undefined;
    if (test.file !== undefined) {
      f = this.fileIndex.get(test.file);
      if (f === undefined) {
        f = this.run.files.push(test.file) - 1;
        this.fileIndex.set(test.file, f);
      }
    }
    this.run.tests.push({ o, s, f, i: test.id, t: test.title, b: test.body, d: test.duration, sp: test.speed, st: test.state, r: test._currentRetry, sl: test._slow, pe: Boolean(test.pending) });
    return true;
  }

  /** The run as an event's data, and a new run begun. */
  take(): Record<string, unknown> {
    const packed = JSON.stringify(this.run);
    this.run = { suites: [], files: [], tests: [] };
    this.suiteIndex = new Map();
    this.fileIndex = new Map();
    return { $$packed: packed };
  }
}

/**
 * True when the packed form of `test` (which must be packable) rebuilds exactly what mocha's Test#serialize()
 * returns, as JSON (the form mocha sends it in).
 */
export function sameAsMocha(test: PackableTest, outcome: string): boolean {
  const one = new PackedTests();
  if (!one.add(test, outcome)) return false;
  const run = JSON.parse((one.take() as { $$packed: string }).$$packed) as PackedRun;
  return JSON.stringify(serialized(run, run.tests[0] as PackedTest)) === JSON.stringify(test.serialize());
}

/** A packed test as Test#serialize() returns it (for the check above). */
function serialized(run: PackedRun, test: PackedTest): Record<string, unknown> {
  const suite = run.suites[test.s] as PackedSuite;
  const titlePath = [...suite.p, test.t];
  return {
    $$currentRetry: test.r,
    $$fullTitle: titlePath.join(' '),
    $$isPending: test.pe,
    $$retriedTest: null,
    $$slow: test.sl,
    $$titlePath: titlePath,
    body: test.b,
    duration: test.d,
    parent: { $$fullTitle: suite.p.join(' '), [MOCHA_ID]: suite.i },
    speed: test.sp,
    state: test.st,
    title: test.t,
    type: 'test',
    file: test.f === undefined ? undefined : run.files[test.f],
    [MOCHA_ID]: test.i,
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
  const fullTitles = run.suites.map((suite) => suite.p.join(' '));
  return run.tests.map((packed) => {
    const suite = run.suites[packed.s] as PackedSuite;
    const suiteTitle = fullTitles[packed.s] as string;
    const titlePath = [...suite.p, packed.t];
    const fullTitle = titlePath.join(' ');
    const test: Record<string, unknown> = {};
    put(test, 'body', packed.b);
    put(test, 'duration', packed.d);
    test.parent = suite.i === undefined ? { fullTitle: () => suiteTitle } : { [MOCHA_ID]: suite.i, fullTitle: () => suiteTitle };
    put(test, 'speed', packed.sp);
    put(test, 'state', packed.st);
    test.title = packed.t;
    test.type = 'test';
    put(test, 'file', packed.f === undefined ? undefined : run.files[packed.f]);
    put(test, MOCHA_ID, packed.i);
    if (packed.r !== undefined) test.currentRetry = () => packed.r;
    test.fullTitle = () => fullTitle;
    test.isPending = () => packed.pe;
    test.retriedTest = () => null;
    if (packed.sl !== undefined) test.slow = () => packed.sl;
    test.titlePath = () => titlePath;
    return { outcome: OUTCOMES[packed.o] as string, test };
  });
}

function put(object: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined) object[key] = value;
}
