import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO } from './support/run-fixture';

// What `npm pack` ships, unpacked into another project's node_modules the way npm installs it. Its
// dependencies are linked from this repo (no registry, no second better-sqlite3 build); ts-node is not there.
// The linked mocha resolves imports from its real path, so the config names the entry by its resolved path.
const LINKED = ['mocha', 'sinon', 'tmp', 'better-sqlite3', 'chai'];

describe('the packed plugin in another project (npm pack)', () => {
  let project: string;

  before(function () {
    this.timeout(120_000);
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'consumer-'));
    const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', project], { cwd: REPO, encoding: 'utf8' }).trim().split('\n').pop() as string;
    const installed = path.join(project, 'node_modules', 'mocha-isolation');
    fs.mkdirSync(installed, { recursive: true });
    execFileSync('tar', ['-xzf', path.join(project, tarball), '-C', installed, '--strip-components=1']);
    for (const name of LINKED) fs.symlinkSync(path.join(REPO, 'node_modules', name), path.join(project, 'node_modules', name));
    fs.writeFileSync(path.join(project, 'schema.sql'), 'CREATE TABLE items (name TEXT);');
    fs.writeFileSync(path.join(project, '.mocharc.cjs'), `const { defineConfig } = require('mocha-isolation/hooks/mocharc');
module.exports = defineConfig({ spec: ['test/*.spec.js'], require: [require.resolve('mocha-isolation/hooks')], isolation: { schema: 'schema.sql', dbEnv: 'APP_DB' } });\n`);
    fs.mkdirSync(path.join(project, 'test'));
    for (const name of ['a', 'b']) {
      fs.writeFileSync(path.join(project, 'test', `${name}.spec.js`), `const { expect } = require('chai');
const { workerDb, setEnv } = require('mocha-isolation/hooks');
it('${name} writes to an empty table', () => {
  expect(workerDb().prepare('SELECT COUNT(*) AS n FROM items').get().n).to.equal(0);
  workerDb().prepare("INSERT INTO items VALUES ('${name}')").run();
  setEnv({ LEAK: '${name}' });
  expect(process.env.APP_DB).to.match(/worker-.*\\.sqlite$/);
});
it('${name} sees no env from other tests', () => expect(process.env.LEAK).to.equal(undefined));\n`);
    }
  });

  after(() => fs.rmSync(project, { recursive: true, force: true }));

  it('ships compiled JavaScript only, without ts-node', () => {
    expect(fs.existsSync(path.join(project, 'node_modules/mocha-isolation/dist/hooks/index.js'))).to.equal(true);
    expect(fs.existsSync(path.join(project, 'node_modules/mocha-isolation/hooks'))).to.equal(false);
    expect(() => require.resolve('ts-node', { paths: [project] })).to.throw();
  });

  for (const mode of [['--no-parallel'], ['--parallel', '--jobs', '2']]) {
    it(`plugs in through --require of its hooks entry (${mode.join(' ')})`, () => {
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ISOLATION_') && !k.startsWith('MOCHA_') && k !== 'NODE_OPTIONS'));
      const run = spawnSync(process.execPath, [path.join(project, 'node_modules/mocha/bin/mocha.js'), ...mode], { cwd: project, env, encoding: 'utf8' });
      expect(run.stdout + run.stderr).to.contain('mocha-isolation: seed').and.contain('4 passing');
      expect(run.status).to.equal(0);
    });
  }
});
