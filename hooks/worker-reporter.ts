// The reporter every worker uses (given to mocha with Runner#workerReporter(), its public route for this).
// Runs in: worker, one instance per spec file.
//
// It is mocha's own buffered reporter, plus four things. It hands the worker's runner to the worker state, which
// gates test outcomes on the plugin's afterEach (outcome-gate.ts), reports tests a failing hook made
// mocha skip, and learns the run's --grep from the options mocha gives reporters. It records each test's outcome
// for the marker a dying worker leaves. It drops the begin/end events of the plugin's two per-test hooks: mocha
// serializes every event in the worker and replays it in the main process, ~57 µs of CPU per hook per test, and
// those hooks have nothing to show (a problem they find is a test failure, which is kept). And it sends only the
// events the main process listens to (shared/worker-events.ts), a run of passing or pending tests, each with its
// "test end", as one event (shared/packed-tests.ts). It overrides createListener, which mocha documents for
// subclasses, and done, where it sends what it holds.

import type { Runner, Test } from 'mocha';
import { LINKS_OBJECTS, mayDrop } from './shared/worker-events';
import { PACKED_EVENT, PACKED_OUTCOMES, type PackableTest, PackedTests, sameAsMocha } from './shared/packed-tests';
import { ownPerTestHooks } from './worker/mocha/own-hooks';
import { existingWorkerState } from './worker/state-registry';
import { requireMochaLib } from './shared/mocha-internals';
import { patchMocha } from './shared/mocha-patches';

type Runnable = { fn?: unknown } | undefined;
type Listener = (runnable: Runnable, error?: unknown) => void;
interface BufferedReporter {
  events: unknown[];
  listeners: Map<string, Listener>;
  createListener(eventName: string): Listener;
  done(failures: number, callback: (result: unknown) => void): void;
}
type BufferedReporterClass = new (runner: Runner, options?: unknown) => BufferedReporter;
interface SerializableEventClass {
  create(eventName: string, runnable: Runnable, error?: unknown): unknown;
}

const HOOK_EVENTS: ReadonlySet<string> = new Set(['hook', 'hook end']);

const Base = requireMochaLib<BufferedReporterClass>('nodejs/reporters/parallel-buffered');
const { SerializableEvent } = requireMochaLib<{ SerializableEvent: SerializableEventClass }>('nodejs/serializer');

class IsolationWorkerReporter extends Base {
  constructor(runner: Runner, options?: unknown) {
    super(runner, options);
    const state = existingWorkerState();
    if (state === undefined) return;
    state.attachRunner(runner, false);
    const { grep, invert } = (options ?? {}) as { grep?: unknown; invert?: unknown };
    state.selection.select(grep, invert);
    runner.on('pass', (test: Test) => state.outcome(test, 'passed'));
    runner.on('fail', (test: Test) => test.type === 'test' && state.outcome(test, 'failed'));
    runner.on('pending', (test: Test) => state.outcome(test, 'pending'));
  }

  // A test's outcome, held until its "test end" comes (then both are packed) or anything else does.
  private held: { eventName: string; runnable: Runnable; error: unknown } | undefined;
  private packed = new PackedTests();
  // Whether this mocha serializes tests as the packed form rebuilds them: checked on the file's first packed test.
  private packsLikeMocha: boolean | undefined;

  override createListener(eventName: string): Listener {
    // Called by mocha's constructor, before this class's fields exist: read the worker state here.
    const config = existingWorkerState()?.config;
    const listener = super.createListener(eventName);
    if (config?.workerStream === 'mocha' || !this.canReshapeStream()) return listener;
    const sent = config?.workerEvents;
    // Everything mocha's way goes after the tests packed before it, so the order of events is kept.
    const forward: Listener = (runnable, error) => {
      this.sendPacked();
      listener(runnable, error);
    };
    let send: Listener = forward;
    if (sent !== undefined && mayDrop(eventName) && !sent.has(eventName)) send = () => undefined;
    else if (HOOK_EVENTS.has(eventName)) send = (runnable, error) => void (ownPerTestHooks.has(runnable?.fn) || forward(runnable, error));
    else if (sent !== undefined && sent.has('test end') && !sent.has(LINKS_OBJECTS) && PACKED_OUTCOMES.has(eventName)) {
      send = (runnable, error) => {
        this.held = { eventName, runnable, error };
      };
    } else if (eventName === 'test end') {
      send = (runnable, error) => {
        const held = this.held;
        if (held !== undefined && this.pack(runnable as unknown as PackableTest, held.eventName)) {
          this.held = undefined;
          return;
        }
        // Not packable (a retried test holds the attempt it replaces): both go mocha's way.
        this.sendHeld();
        forward(runnable, error);
      };
    }
    // Whatever comes first sends the outcome held before it, so the order of events is kept.
    const inOrder: Listener = (runnable, error) => {
      if (this.held !== undefined && !(eventName === 'test end' && this.held.runnable === runnable)) this.sendHeld();
      send(runnable, error);
    };
    // mocha removes its listeners by what this map holds, so it must hold the one registered.
    this.listeners.set(eventName, inOrder);
    return inOrder;
  }

  /** Whether this mocha's buffered reporter keeps its events and listeners where the packed stream needs them. */
  private canReshapeStream(): boolean {
    return patchMocha('workerStream', () =>
      Array.isArray(this.events) && this.listeners instanceof Map
        ? undefined
        : 'its buffered reporter keeps no events array and listeners map',
    );
  }

  override done(failures: number, callback: (result: unknown) => void): void {
    this.sendHeld();
    this.sendPacked();
    super.done(failures, callback);
  }

  private pack(test: PackableTest, outcome: string): boolean {
    // Judged on the first test that can be packed: a retried first test says nothing about this mocha.
    this.packsLikeMocha ??= sameAsMocha(test, outcome);
    return this.packsLikeMocha === true && this.packed.add(test, outcome);
  }

  private sendPacked(): void {
    if (this.packed.size > 0) this.events.push(SerializableEvent.create(PACKED_EVENT, this.packed.take() as Runnable));
  }

  private sendHeld(): void {
    const held = this.held;
    this.held = undefined;
    if (held === undefined) return;
    this.sendPacked();
    this.events.push(SerializableEvent.create(held.eventName, held.runnable, held.error));
  }
}

// The module itself is the reporter: mocha 10 and 11 construct what `require(reporter)` returns.
export = IsolationWorkerReporter;
