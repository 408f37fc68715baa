// The packed form of a passing test (shared/worker-events.ts) must come out in the main process as exactly the
// object mocha's own serializer and deserializer make: the same keys in the same order, the same values.
import { expect } from 'chai';
import path from 'node:path';
import Mocha from 'mocha';
import { eventsToSend, mayDrop, packTest, unpackTest } from '../../hooks/shared/worker-events';
import { REPO } from './support/run-fixture';

interface SerializerModule {
  SerializableEvent: { create(name: string, data: unknown): { serialize(): unknown } };
  SerializableWorkerResult: { create(events: unknown[], failures: number): { serialize(): unknown }; deserialize(value: unknown): { events: Array<{ data: Record<string, unknown> }> } };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
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

function passedTest(): Mocha.Test {
  const root = new Mocha.Suite('');
  const suite = new Mocha.Suite('a "quoted" suite, ünïcödé');
  root.addSuite(suite);
  const test = new Mocha.Test('passes <fast>', () => undefined);
  test.file = '/project/test/a.spec.ts';
  suite.addTest(test);
  test.state = 'passed';
  test.duration = 3;
  return test;
}

describe('the packed form of a passing test', () => {
  it('becomes in the main process the object mocha would have made, key for key and in order', () => {
    const test = passedTest();
    const expected = throughMocha(test);
    const actual = unpackTest(throughMocha(packTest(test as unknown as { id?: string; serialize(): unknown })));
    expect(described(actual)).to.deep.equal(described(expected));
  });

  it('is not used for a test holding an object only mocha can send (a retried test holds the attempt it replaces)', () => {
    const test = passedTest();
    (test as unknown as { _retriedTest: Mocha.Test })._retriedTest = passedTest();
    expect(packTest(test as unknown as { id?: string; serialize(): unknown })).to.equal(undefined);
  });

  it('fills in the object mocha linked it to, keeping its identity', () => {
    const linked: Record<string, unknown> = { __mocha_id__: 'x', title: 'from an earlier event', packed: () => JSON.stringify({ $$fullTitle: 't', title: 't' }) };
    const test = unpackTest(linked);
    expect(test).to.equal(linked);
    expect(test.title).to.equal('t');
    expect((test.fullTitle as () => string)()).to.equal('t');
  });
});

describe('which events workers send', () => {
  it('sends suite events always, the others only when the main process listens to them', () => {
    const listening = new Set(['pass', 'test end']);
    expect(eventsToSend((event) => (listening.has(event) ? 1 : 0))).to.deep.equal(['suite', 'suite end', 'pass', 'test end']);
  });

  it('never drops an event it does not know (mocha\'s --delay events, one a later mocha adds)', () => {
    expect(['waiting', 'ready', 'some new event'].map(mayDrop)).to.deep.equal([false, false, false]);
    expect(['test', 'hook', 'suite'].map(mayDrop)).to.deep.equal([true, true, false]);
  });
});
