import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildTemplateDatabase } from '../../hooks/main/template-database';
import { runLayout } from '../../hooks/shared/run-layout';
import { openDatabase, type Database } from '../../hooks/shared/sqlite';
import { createWorkerDatabase, type WorkerDatabase } from '../../hooks/worker/database/worker-database';
import {
  RESET_TRANSITIONS,
  type ResetEvent,
  type ResetState,
  ResetStates,
  stateOnHandOut,
  stateOnReset,
  stateOnSharePath,
} from '../../hooks/worker/database/reset-states';

// The worker database on a real file: how a test's writes are undone in each reset mode. "Another
// connection" stands for the app under test opening the file by its path.
describe('the worker database reset (unit)', () => {
  let runDir: string;
  let worker: WorkerDatabase;
  let other: Database;
  const count = (db: Database): number => db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM items').get()?.n ?? -1;
  const otherVersion = (): unknown => other.pragma('data_version', { simple: true });

  function open(mode: 'auto' | 'delete'): void {
    worker = createWorkerDatabase(runLayout(runDir), '0', { mode, pathInEnv: false });
    other = openDatabase(worker.path);
  }

  beforeEach(() => {
    runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'worker-db-'));
    const schema = path.join(runDir, 'schema.sql');
    fs.writeFileSync(schema, 'CREATE TABLE items (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL);');
    buildTemplateDatabase(schema, runDir, path.join(runDir, 'template-cache'));
  });

  afterEach(() => {
    other?.close();
    worker?.close();
    fs.rmSync(runDir, { recursive: true, force: true });
  });

  it('auto: rolls back what a test wrote through workerDb(), without a commit reaching the file', () => {
    open('auto');
    const before = otherVersion();
    const db = worker.connectionForTest();
    db.prepare("INSERT INTO items (name) VALUES ('a')").run();
    expect(count(db)).to.equal(1);
    worker.resetIfDirty();
    expect(count(worker.connectionForTest())).to.equal(0);
    worker.resetIfDirty();
    // No other connection ever saw a change: nothing was committed, so nothing had to be deleted.
    expect(otherVersion()).to.equal(before);
  });

  it("empties what the app wrote before the plugin's own connection was first used (opened mid-test, path in the environment)", () => {
    worker = createWorkerDatabase(runLayout(runDir), '0', { mode: 'auto', pathInEnv: true });
    other = openDatabase(worker.path);
    // The app writes first; the test then looks through workerDb(), which opens the plugin's connection.
    other.prepare("INSERT INTO items (name) VALUES ('by the app')").run();
    expect(count(worker.connectionForTest())).to.equal(1);
    worker.resetIfDirty();
    expect(count(other)).to.equal(0);
  });

  it('a test that never uses the database costs no reset until its path is shared', () => {
    worker = createWorkerDatabase(runLayout(runDir), '0', { mode: 'auto', pathInEnv: false });
    expect(worker.resetIfDirty(true)).to.deep.equal([]);
    worker.markPathShared();
    other = openDatabase(worker.path);
    other.prepare("INSERT INTO items (name) VALUES ('by the app')").run();
    expect(worker.resetIfDirty(true)).to.deep.equal(['items ×1']);
    expect(count(other)).to.equal(0);
  });

  it('auto: handing out the path mid-test commits what the test wrote so the app sees it, then empties it', () => {
    open('auto');
    worker.connectionForTest().prepare("INSERT INTO items (name) VALUES ('seeded')").run();
    worker.markPathShared();
    expect(count(other)).to.equal(1);
    other.prepare("INSERT INTO items (name) VALUES ('by the app')").run();
    worker.resetIfDirty();
    expect(count(other)).to.equal(0);
    // Once shared, the file is emptied by DELETE: no savepoint hides writes from the app any more.
    worker.connectionForTest().prepare("INSERT INTO items (name) VALUES ('later')").run();
    expect(count(other)).to.equal(1);
    worker.resetIfDirty();
    expect(count(other)).to.equal(0);
    expect(worker.connectionForTest().prepare("INSERT INTO items (name) VALUES ('x')").run().lastInsertRowid).to.equal(1);
    worker.resetIfDirty();
  });

  it('auto: a test that commits by itself still leaves an empty file', () => {
    open('auto');
    const db = worker.connectionForTest();
    db.prepare("INSERT INTO items (name) VALUES ('a')").run();
    db.exec('COMMIT');
    db.prepare("INSERT INTO items (name) VALUES ('b')").run();
    expect(count(other)).to.equal(2);
    worker.resetIfDirty();
    expect(count(other)).to.equal(0);
  });

  it('auto: writes through a connection kept from an earlier test, before this test asked for it, are emptied too', () => {
    open('auto');
    const kept = worker.connectionForTest();
    worker.resetIfDirty();
    kept.prepare("INSERT INTO items (name) VALUES ('kept')").run();
    worker.connectionForTest().prepare("INSERT INTO items (name) VALUES ('new')").run();
    worker.resetIfDirty();
    expect(count(other)).to.equal(0);
  });

  it('auto: nested db.transaction() works, and BEGIN gets an error that says why and what to do', () => {
    open('auto');
    const db = worker.connectionForTest();
    db.transaction(() => db.prepare("INSERT INTO items (name) VALUES ('t')").run())();
    expect(count(db)).to.equal(1);
    expect(() => db.exec('BEGIN'))
      .to.throw(/cannot start a transaction within a transaction.*savepoint.*db\.transaction\(fn\).*ISOLATION_DB_RESET=delete/)
      .with.property('code', 'ERR_ISOLATION_DB_TRANSACTION');
    worker.resetIfDirty();
    expect(count(db)).to.equal(0);
  });

  it('delete: no savepoint, the test commits as usual, and every table is emptied with counters reset', () => {
    open('delete');
    const db = worker.connectionForTest();
    expect(db.inTransaction).to.equal(false);
    db.exec('BEGIN');
    db.prepare("INSERT INTO items (name) VALUES ('a')").run();
    db.exec('COMMIT');
    expect(count(other)).to.equal(1);
    worker.resetIfDirty();
    expect(count(other)).to.equal(0);
    expect(worker.connectionForTest().prepare("INSERT INTO items (name) VALUES ('b')").run().lastInsertRowid).to.equal(1);
    worker.resetIfDirty();
  });
});

describe('the worker database reset states', () => {
  it('goes through the states a test that writes, shares the path and ends takes', () => {
    const states = new ResetStates('private');
    const path: ResetState[] = [];
    const step = (event: ResetEvent, next: ResetState): void => {
      states.move(event, next);
      path.push(states.state);
    };
    step('hand-out', stateOnHandOut(states.state, true));
    step('share-path', stateOnSharePath(states.state));
    step('reset', stateOnReset(states.state));
    step('hand-out', stateOnHandOut(states.state, true));
    step('reset', stateOnReset(states.state));
    expect(path).to.deep.equal(['savepoint', 'committed', 'shared', 'shared', 'shared']);
  });

  it('gives a test a savepoint again after an earlier test kept the connection, but never once the path is shared', () => {
    expect(stateOnHandOut(stateOnReset('savepoint'), true)).to.equal('savepoint');
    expect(stateOnHandOut('handed-out', false)).to.equal('handed-out');
    expect(stateOnHandOut('shared', true)).to.equal('shared');
  });

  it('refuses any transition the table does not list, naming the states and the allowed ones', () => {
    expect(() => new ResetStates('committed').move('reset', 'private')).to.throw(
      'cannot go from "committed" to "private" on "reset" (allowed: shared)',
    );
    expect(() => new ResetStates('shared').move('hand-out', 'savepoint')).to.throw('(allowed: shared)');
    // Every state the transition functions compute is in the table, from every state.
    for (const from of Object.keys(RESET_TRANSITIONS) as ResetState[]) {
      const states = (): ResetStates => new ResetStates(from);
      for (const savepoint of [true, false])
        expect(states().allows('hand-out', stateOnHandOut(from, savepoint)), `${from} hand-out`).to.equal(true);
      expect(states().allows('share-path', stateOnSharePath(from)), `${from} share-path`).to.equal(true);
      expect(states().allows('reset', stateOnReset(from)), `${from} reset`).to.equal(true);
    }
  });
});
