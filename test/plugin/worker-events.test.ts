// Packed tests (shared/packed-tests.ts) must come out in the main process as exactly the objects mocha's own
// serializer and deserializer make: the same keys in the same order, the same values.
import { expect } from 'chai';
import path from 'node:path';
import Mocha from 'mocha';
import { eventsToSend, mayDrop, LINKS_OBJECTS } from '../../hooks/shared/worker-events';
import { type PackableTest, PackedTests, sameAsMocha, unpackTests } from '../../hooks/shared/packed-tests';
import { REPO } from './support/run-fixture';

interface SerializerModule {
  SerializableEvent: { create(name: string, data: unknown): { serialize(): unknown } };
  SerializableWorkerResult: {
    create(events: unknown[], failures: number): { serialize(): unknown };
    deserialize(value: unknown): { events: Array<{ data: Record<string, unknown> }> };
  };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- mocha's serializer, which its package does not export
const serializer = require(path.join(REPO, 'node_modules/mocha/lib/nodejs/serializer.js')) as SerializerModule;

/** What the main process gets for `data` sent as one event: serialized in the worker, JSON over IPC, deserialized. */
function throughMocha(data: unknown): Record<string, unknown> {
  const sent = serializer.SerializableWorkerResult.create([serializer.SerializableEvent.create('pass', data)], 0).serialize();
  return serializer.SerializableWorkerResult.deserialize(JSON.parse(JSON.stringify(sent))).events[0]!.data;
}

/** Functions by what they return, so that two objects can be compared key by key, in order. */
function described(value: unknown): unknown {
  if (typeof value === 'function') return { returns: described((value as () => unknown)()) };
  if (Array.isArray(value)) return value.map(described);
  if (value !== null && typeof value === 'object') return Object.entries(value).map(([key, inner]) => [key, described(inner)]);
  return value;
}

function suiteTree(): { root: Mocha.Suite; suite: Mocha.Suite; untitled: Mocha.Suite } {
  const root = new Mocha.Suite('');
  const suite = new Mocha.Suite('a "quoted" suite, ünïcödé');
  root.addSuite(suite);
  const untitled = new Mocha.Suite('');
  suite.addSuite(untitled);
  return { root, suite, untitled };
}

function addTest(
  suite: Mocha.Suite,
  title: string,
  outcome: 'passed' | 'pending',
  file: string | undefined = '/project/test/a.spec.ts',
): Mocha.Test {
  const test = outcome === 'pending' ? new Mocha.Test(title) : new Mocha.Test(title, () => undefined);
  test.file = file;
  suite.addTest(test);
  test.state = outcome;
  if (outcome === 'passed') test.duration = 3;
  return test;
}

const packable = (test: Mocha.Test): PackableTest => test as unknown as PackableTest;

describe('packed tests', () => {
  it('become in the main process the objects mocha would have made, key for key, in order, each with its outcome', () => {
    const { root, suite, untitled } = suiteTree();
    const tests: Array<[Mocha.Test, string]> = [
      [addTest(suite, 'passes <fast>', 'passed'), 'pass'],
      [addTest(suite, 'is declared pending', 'pending'), 'pending'],
      [addTest(untitled, 'sits in a describe without a title', 'passed'), 'pass'],
      [addTest(root, 'sits at the top level of its file', 'passed'), 'pass'],
      [addTest(suite, 'has no file', 'passed', undefined), 'pass'],
      [addTest(suite, 'was retried once', 'passed', '/project/test/b.spec.ts'), 'pass'],
    ];
    (tests[5]![0] as unknown as { _currentRetry: number })._currentRetry = 1;
    const packed = new PackedTests();
    for (const [test, outcome] of tests) expect(packed.add(packable(test), outcome)).to.equal(true);
    const unpacked = unpackTests(throughMocha(packed.take()));
    expect(unpacked.map(({ outcome }) => outcome)).to.deep.equal(tests.map(([, outcome]) => outcome));
    unpacked.forEach(({ test }, i) => expect(described(test)).to.deep.equal(described(throughMocha(tests[i]![0]))));
  });

  it('are checked against what this mocha sends, so that a mocha that serializes tests otherwise is sent its way', () => {
    const test = addTest(suiteTree().suite, 'passes', 'passed');
    expect(sameAsMocha(packable(test), 'pass')).to.equal(true);
    const withSerialize = test as unknown as { serialize(): object };
    const serialize = withSerialize.serialize.bind(test);
    withSerialize.serialize = () => ({ ...serialize(), $$aFieldOfALaterMocha: 1 });
    expect(sameAsMocha(packable(test), 'pass')).to.equal(false);
  });

  it("never holds a test with an error, a retried attempt or a null field: only mocha's serializer sends those", () => {
    const { suite } = suiteTree();
    const retried = addTest(suite, 'passes on its second attempt', 'passed');
    (retried as unknown as { _retriedTest: Mocha.Test })._retriedTest = addTest(suite, 'first attempt', 'passed');
    const failed = addTest(suite, 'fails', 'passed');
    failed.err = new Error('boom');
    // JSON arrays carry undefined as null: a field that is null must keep its null, mocha's way.
    const nullFile = addTest(suite, 'has a null file', 'passed');
    (nullFile as unknown as { file: null }).file = null;
    const packed = new PackedTests();
    const added = [
      packed.add(packable(retried), 'pass'),
      packed.add(packable(failed), 'pass'),
      packed.add(packable(failed), 'fail'),
      packed.add(packable(nullFile), 'pass'),
    ];
    expect(added).to.deep.equal([false, false, false, false]);
    // Nor do they give a verdict on this mocha's serializer: the first test that can be packed does.
    expect([retried, failed, nullFile].map((test) => sameAsMocha(packable(test), 'pass'))).to.deep.equal([undefined, undefined, undefined]);
    expect(packed.size).to.equal(0);
  });
});

describe('which events workers send', () => {
  it('sends suite events always, the others only when the main process listens to them', () => {
    const listening = new Set(['pass', 'test end']);
    expect(eventsToSend((event) => (listening.has(event) ? 1 : 0), false)).to.deep.equal(['suite', 'suite end', 'pass', 'test end']);
    expect(eventsToSend((event) => (listening.has(event) ? 1 : 0), true)).to.deep.equal([
      'suite',
      'suite end',
      'pass',
      'test end',
      LINKS_OBJECTS,
    ]);
  });

  it("never drops an event it does not know (mocha's --delay events, one a later mocha adds)", () => {
    expect(['waiting', 'ready', 'some new event'].map(mayDrop)).to.deep.equal([false, false, false]);
    expect(['test', 'hook', 'suite'].map(mayDrop)).to.deep.equal([true, true, false]);
  });
});
