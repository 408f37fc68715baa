// Everything one test process creates and owns, in one object: the environment sandbox, sinon fakes, the worker
// database, the file and test scopes, the @serial lock, the dead-worker marker and the statistics.
// Runs in: worker (or the --no-parallel process), created once before the first spec file loads.
//
// Lifecycle, in every mode: fileLoaded (per file, when its module code has run) → fileStarted → testStarted /
// testEnded (per test) → fileEnded. The root hooks, the runner's suite events and the plugin's interface call
// these; nothing else keeps state between them.

import fs from 'node:fs';
import type { Runner, Suite, Test } from 'mocha';
import type { IsolationConfig } from '../config';
import { configError, IsolationError } from '../errors';
import { reportIfStillHeld } from './leaks/open-handles';
import { excludeFirstLoadsFromTimeouts, type FirstLoads } from './modules/first-loads';
import { type Outcome, type RunLayout, runLayout, specKey } from '../shared/run-layout';
import { fullTitleOf } from './mocha/test-titles';
import { reportDroppedTests } from './mocha/dropped-tests';
import { createEnvSandbox, type EnvSandbox, type EnvWrites } from './env-sandbox';
import { type ProjectFakes, projectFakes } from './fakes';
import { type ExitGuard, guardProcessExit } from './exit-guard';
import { judgeRejections, type RejectionWatch, reportRejectionsAfterRun, watchRejections } from './leaks/rejection-watch';
import { createFileMarker, type FileMarker, reportExitMidRun } from './file-marker';
import { gateOutcomes, type OutcomeGate } from './mocha/outcome-gate';
import { createLeakChecks, type LeakChecks, type TestLeakCheck } from './leaks/leak-checks';
import { joinLeftovers, type Leftovers, tearDownConcerns, type TestTeardown } from './leaks/leftovers';
import { ModuleIsolation } from './modules/module-isolation';
import { projectWiring } from './project-wiring';
import { asTestError, Scope } from './scope';
import type { TestInfo } from './mocha/test-titles';
import { createSerialLock, type SerialLock } from './serial-lock';
import { followSerialRunner } from './mocha/serial-runner';
import { TestSelection } from './mocha/test-selection';
import { createStatsRecorder, type StatsRecorder } from './worker-stats';
import { createWorkerDatabase, type WorkerDatabase } from './database/worker-database';

/** The test running now: its scope (what helpers set up), and the per-test concerns' teardowns in setup order. */
interface RunningTest {
  scope: Scope;
  info: TestInfo;
  serial: boolean;
  concerns: readonly TestTeardown[];
  leakCheck: TestLeakCheck | undefined;
}

export class WorkerState {
  readonly config: IsolationConfig;
  readonly layout: RunLayout;
  private readonly cwd = process.cwd();
  private readonly env: EnvSandbox;
  /** The worker database, copied before any spec file loads (its module code may open it). */
  readonly database: WorkerDatabase | undefined;
  private readonly marker: FileMarker | undefined;
  private readonly stats: StatsRecorder;
  private readonly serialLock: SerialLock;
  /** The project's sinon fakes: tracked once the project has loaded sinon, restored per test and per file. */
  readonly fakes: ProjectFakes;
  /** What each file's module code wrote to the environment while it loaded (seen through the plugin's interface). */
  private readonly loadWrites = new Map<string, EnvWrites>();
  private file: { path: string; key: string; scope: Scope } | undefined;
  private test: RunningTest | undefined;
  /** Set once the runner's suite events mark file boundaries (serial mode); root hooks do it otherwise. */
  private fileEvents = false;
  /** The describe of the last test that started: a new one may have run before() hooks since. */
  private lastSuite: Suite | undefined;
  /** The test that ended last in this process, and when (performance.now()): a late-reported rejection may be its. */
  private lastTestEnded: { title: string; endedAt: number } | undefined;
  private gate: OutcomeGate | undefined;
  /** The tests the run selects (set from the runner's --grep). */
  readonly selection = new TestSelection();
  readonly leaks: LeakChecks;
  /** Fresh project modules per spec file (isolation.modules), and support modules' import-time hooks. */
  private readonly modules: ModuleIsolation;
  private runner: Runner | undefined;
  /** Until the attached runner ends: mocha's own process.exit comes after it. */
  private runnerRunning = false;
  private readonly exitGuard: ExitGuard;
  private readonly rejections: RejectionWatch = watchRejections();
  /** A module's first load is not the running test's or hook's time. */
  private readonly firstLoads: FirstLoads = excludeFirstLoadsFromTimeouts();

  constructor(config: IsolationConfig) {
    if (config.runDir === undefined) {
      throw configError([
        'this process runs tests, but the run was not set up: "ISOLATION_RUN_DIR" is unset. mocha-isolation sets it in mochaGlobalSetup; do not pass --no-enable-global-setup, and load the plugin with --require (or `require` in .mocharc).',
      ]);
    }
    this.config = config;
    this.layout = runLayout(config.runDir);
    this.database =
      config.schemaPath === undefined
        ? undefined
        : createWorkerDatabase(this.layout, config.workerId, { mode: config.dbReset, pathInEnv: config.dbEnv !== undefined });
    // os.tmpdir() points into the run folder: what tests leave there is named, and goes when the run ends.
    const tempFolder = this.layout.workerTemp(config.workerId);
    fs.mkdirSync(tempFolder, { recursive: true });
    const initial: Record<string, string> = { TMPDIR: tempFolder };
    if (this.database !== undefined && config.dbEnv !== undefined) initial[config.dbEnv] = this.database.path;
    this.env = createEnvSandbox(initial, config.env === 'strict');
    this.marker = config.workerId === undefined ? undefined : createFileMarker(this.layout, config.workerId);
    // Serially the tests run in the main process: if it exits mid-run, nobody else is left to say where.
    if (config.workerId === undefined) reportExitMidRun(() => this.running(), config.seed);
    this.stats = createStatsRecorder(this.layout, config.workerId, this.cwd);
    this.serialLock = createSerialLock(this.layout.serialLock);
    this.fakes = projectFakes(this.cwd);
    this.modules = new ModuleIsolation(config, this.layout, this.cwd);
    this.leaks = createLeakChecks(config.leaks, { serial: config.workerId === undefined, tempFolder }, (leaks) => this.stats.leaked(leaks));
    this.exitGuard = guardProcessExit(() => (this.runnerRunning ? this.running() : undefined));
  }

  /**
   * The runner that runs this process's tests: its outcomes are gated, and serially its suites mark files.
   * A worker gets a new runner for every file.
   */
  attachRunner(runner: Runner, fileEvents: boolean): void {
    this.runner = runner;
    this.runnerRunning = true;
    runner.once('end', () => {
      if (this.runner === runner) this.runnerRunning = false;
    });
    this.gate = gateOutcomes(runner);
    this.firstLoads.follow(runner);
    reportDroppedTests(runner, (fullTitle) => this.selection.has(fullTitle));
    if (!fileEvents || this.fileEvents) return;
    this.fileEvents = true;
    followSerialRunner(runner, {
      selection: this.selection,
      outcome: (test, outcome) => this.outcome(test, outcome),
      fileStarted: (file) => this.fileStarted(file),
      runEnded: () => {
        this.fileEnded();
        reportRejectionsAfterRun(this.rejections, this.config.rejections);
        reportIfStillHeld(
          () => this.leaks.openHandlesReport(),
          (text) => process.stderr.write(`${text}\n`),
        );
      },
    });
  }

  /** A spec file's module code is about to run (the plugin's interface, on pre-require). */
  fileLoading(context: Record<string, unknown>, root: Suite, file: string): void {
    this.modules.loadStarted(context, root, file);
    if (this.config.modules === 'file') this.leaks.loadStarted();
  }

  fileLoaded(file: string): void {
    const key = specKey(file, this.cwd);
    this.loadWrites.set(key, this.env.takeLoadWrites());
    // Fresh modules run their import-time code again for every file: what it leaves is named with the file.
    if (this.config.modules === 'file') this.leaks.loadEnded(key);
    this.modules.loadEnded(file, () => this.runner);
  }

  /**
   * A file starts; ends the previous one first (serially the next file's first suite is the only sign).
   * `tests`: the title paths of the tests it loaded, for the dead-worker marker (parallel mode).
   */
  fileStarted(file: string, tests: string[] = []): void {
    if (this.file?.path === file) return;
    this.fileEnded();
    const key = specKey(file, this.cwd);
    this.file = { path: file, key, scope: new Scope('file', { title: `file ${key}`, file, serial: false }) };
    this.modules.fileStarted(file);
    this.env.fileStarted(this.loadWrites.get(key));
    this.rejections.fileStarted();
    this.leaks.fileStarted();
    this.stats.fileStarting(key);
    this.marker?.fileStarted(key, tests);
    if (this.config.workerId !== undefined) this.stats.fileLoaded(key, tests.length);
  }

  fileEnded(): unknown {
    const ending = this.file;
    if (ending === undefined) return undefined;
    this.file = undefined;
    const errors: unknown[] = [];
    const attempt = (step: () => unknown): void => {
      try {
        step();
      } catch (error) {
        errors.push(error);
      }
    };
    attempt(() => ending.scope.close());
    attempt(() => this.fakes.tracked()?.fileEnded());
    attempt(() => this.env.fileEnded());
    attempt(() => this.leaks.fileEnded(ending.key));
    attempt(() => this.modules.fileEnded(ending.path));
    attempt(() => this.stats.fileEnded());
    attempt(() => this.marker?.fileEnded());
    return errors[0];
  }

  testStarted(test: Test, info: TestInfo): void | Promise<void> {
    // Tests at a file's top level (not in a describe) come before every suite serially: their file starts here.
    if (test.file !== undefined && test.file !== this.file?.path) this.fileStarted(test.file);
    const serial = info.serial && this.config.workerId !== undefined;
    const suiteChanged = test.parent !== this.lastSuite;
    this.lastSuite = test.parent;
    // The per-test concerns, each set up now and torn down (in reverse) when the test ends: each teardown returns
    // what the test left behind, for the leak check.
    const leakCheck = this.leaks.testStarted(suiteChanged);
    const concerns: TestTeardown[] = [];
    if (leakCheck !== undefined) concerns.push(leakCheck.closeServers);
    concerns.push(this.env.sandboxTest(), this.fakes.sandboxTest());
    if (this.database !== undefined) concerns.push(this.database.sandboxTest(this.config.leaks.rows !== 'off'));
    this.test = { scope: new Scope('test', info), info, serial, concerns, leakCheck };
    this.marker?.testStarted(info);
    this.exitGuard.takeCall();
    this.stats.testStarting(info.file);
    return serial ? this.serialLock.acquire() : undefined;
  }

  /**
   * Undoes everything the test did, in reverse order of setup; every step runs even if an earlier one fails.
   * Never throws: a problem fails the test through the outcome gate, so no other test is skipped. Returns the
   * problem only when the gate could not take it (no runner attached): the caller then fails the test itself.
   */
  testEnded(test: Test): Error | undefined | Promise<Error | undefined> {
    const ending = this.test;
    this.test = undefined;
    if (ending === undefined) return undefined;
    const { scope, info, concerns, leakCheck } = ending;
    // Runs in this order: the test's own teardowns (its temp folders, :memory: databases), the project's resets in
    // the order registered, the per-test concerns (the database reset, the sinon fakes, the environment, the
    // servers left listening), the leak check over what they returned, and last the @serial lock, held until
    // everything else is back. A Scope runs what it was given last first.
    const cleanup = new Scope('test', info);
    // A test that caught the guard's error still called process.exit: it fails all the same.
    const exitCall = this.exitGuard.takeCall();
    if (exitCall !== undefined && test.state !== 'failed')
      cleanup.defer(() => {
        throw exitCall;
      });
    const rejected = this.rejections.take();
    const previous = this.lastTestEnded;
    this.lastTestEnded = { title: test.fullTitle(), endedAt: performance.now() };
    if (rejected.length > 0) cleanup.defer(() => judgeRejections(info, rejected, previous, this.config.rejections));
    if (ending.serial) cleanup.defer(() => this.serialLock.release());
    const leftovers: Leftovers[] = [];
    if (leakCheck !== undefined) {
      const file = info.file === undefined ? 'unknown file' : specKey(info.file, this.cwd);
      cleanup.defer(() => leakCheck.check(info, file, joinLeftovers(leftovers)));
    }
    cleanup.defer(() => tearDownConcerns(concerns, leftovers));
    for (const reset of [...projectWiring.resets].reverse()) cleanup.defer(reset);
    cleanup.defer(() => scope.close());
    const settle = (error: unknown): Error | undefined => this.settle(test, info, error);
    try {
      const closed = cleanup.close();
      if (closed instanceof Promise) return closed.then(() => settle(undefined), settle);
      return settle(undefined);
    } catch (error) {
      return settle(error);
    }
  }

  /** setEnv(): written through the environment sandbox, which knows not to name these as the test's leftovers. */
  setEnv(values: Readonly<Record<string, string | undefined>>): void {
    this.env.set(values);
  }

  /** The scope a helper called now belongs to: the running test's, or the running file's (before/after hooks). */
  currentScope(helper: string): Scope {
    const scope = this.test?.scope ?? this.file?.scope;
    if (scope === undefined) {
      throw new IsolationError(
        'ERR_ISOLATION_OUTSIDE_TEST',
        `"${helper}()" was called outside a test and outside a file's hooks. Call it inside it(), or in a before/beforeEach/afterEach/after hook.`,
        { helper },
      );
    }
    return scope;
  }

  /** A test's outcome as reported (pass, fail, pending), for the marker a dying worker leaves. */
  outcome(test: Test, outcome: Outcome): void {
    this.marker?.outcome(test, outcome);
    this.stats.testEnded(fullTitleOf(test), outcome, test.duration);
  }

  /** The file and test running now (the test's or a hook's title), for a report if the process dies. */
  private running(): { file: string; test: string | undefined; title: string } | undefined {
    const file = this.file?.key ?? (this.test?.info.file === undefined ? undefined : specKey(this.test.info.file, this.cwd));
    if (file === undefined) return undefined;
    return { file, test: this.test?.info.title, title: this.test?.info.title ?? `a hook of ${file}` };
  }

  hasScope(): boolean {
    return this.test !== undefined || this.file !== undefined;
  }

  /** The serial lock, for a @serial describe's own before/after hooks. */
  serialSuite(): SerialLock | undefined {
    return this.config.workerId === undefined ? undefined : this.serialLock;
  }

  private settle(test: Test, info: TestInfo, error: unknown): Error | undefined {
    const problem = error === undefined ? undefined : asTestError(error, info);
    if (this.gate === undefined) return problem;
    if (this.gate.settle(test, problem) || problem === undefined) return undefined;
    // The test had failed already: one failure per test, so this one is said on stderr.
    process.stderr.write(`mocha-isolation: ${problem.message}\n`);
    return undefined;
  }
}
