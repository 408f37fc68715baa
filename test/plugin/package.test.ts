import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { installConsumer, userEnv } from './support/consumer-project';
import { REPO } from './support/run-fixture';

// What `npm pack` ships, installed by npm into another project exactly as the README tells users to, then run
// with that project's own mocha. The better-sqlite3 binary this repo already compiled is copied in: a second
// source build costs a minute and is what a prebuilt download does on machines that have one.
const PINNED = ['mocha', 'chai', 'better-sqlite3'];
const NATIVE_BINARY = 'better-sqlite3/build/Release/better_sqlite3.node';

describe('the packed plugin installed by npm in another project', () => {
  let project: string;

  before(function () {
    this.timeout(300_000);
    project = installConsumer('consumer', PINNED);
    const binary = path.join(project, 'node_modules', NATIVE_BINARY);
    fs.mkdirSync(path.dirname(binary), { recursive: true });
    fs.copyFileSync(path.join(REPO, 'node_modules', NATIVE_BINARY), binary);

    fs.writeFileSync(path.join(project, 'schema.sql'), 'CREATE TABLE items (name TEXT);');
    fs.writeFileSync(
      path.join(project, '.mocharc.cjs'),
      `const { defineConfig } = require('mocha-isolation/hooks/mocharc');
module.exports = defineConfig({ spec: ['test/*.spec.js'], require: ['mocha-isolation/hooks'], isolation: { schema: 'schema.sql', dbEnv: 'APP_DB' } });\n`,
    );
    fs.mkdirSync(path.join(project, 'test'));
    for (const name of ['a', 'b']) {
      fs.writeFileSync(
        path.join(project, 'test', `${name}.spec.js`),
        `const { expect } = require('chai');
const { workerDb, setEnv } = require('mocha-isolation/hooks');
it('${name} writes to an empty table', () => {
  expect(workerDb().prepare('SELECT COUNT(*) AS n FROM items').get().n).to.equal(0);
  workerDb().prepare("INSERT INTO items VALUES ('${name}')").run();
  setEnv({ LEAK: '${name}' });
  expect(process.env.APP_DB).to.match(/worker-.*\\.sqlite$/);
});
it('${name} sees no env from other tests', () => expect(process.env.LEAK).to.equal(undefined));\n`,
      );
    }
  });

  after(() => {
    if (project !== undefined) fs.rmSync(project, { recursive: true, force: true });
  });

  it('is a real install: the package and its dependencies are in node_modules, not links', () => {
    const installed = path.join(project, 'node_modules');
    for (const name of ['mocha-isolation', 'tmp', ...PINNED]) {
      expect(fs.lstatSync(path.join(installed, name)).isSymbolicLink(), name).to.equal(false);
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(project, 'package.json'), 'utf8'));
    expect(manifest.devDependencies['mocha-isolation']).to.match(/^file:.*\.tgz$/);
  });

  it('ships compiled JavaScript only, and the project has no ts-node', () => {
    expect(fs.existsSync(path.join(project, 'node_modules/mocha-isolation/dist/hooks/index.js'))).to.equal(true);
    expect(fs.existsSync(path.join(project, 'node_modules/mocha-isolation/hooks'))).to.equal(false);
    expect(() => require.resolve('ts-node', { paths: [project] })).to.throw();
  });

  for (const mode of [['--no-parallel'], ['--parallel', '--jobs', '2']]) {
    it(`plugs in through --require mocha-isolation/hooks (${mode.join(' ')})`, () => {
      const run = spawnSync(process.execPath, [path.join(project, 'node_modules/mocha/bin/mocha.js'), ...mode], {
        cwd: project,
        env: userEnv(),
        encoding: 'utf8',
      });
      expect(run.stdout + run.stderr)
        .to.contain('mocha-isolation: seed')
        .and.contain('4 passing');
      expect(run.status).to.equal(0);
    });
  }

  it("keeps V8's code cache of the bundle in .mocha-isolation/code-cache, which the next run uses as it is", () => {
    const runParallel = () =>
      spawnSync(process.execPath, [path.join(project, 'node_modules/mocha/bin/mocha.js'), '--parallel', '--jobs', '2'], {
        cwd: project,
        env: userEnv(),
        encoding: 'utf8',
      });
    const cacheDir = path.join(project, '.mocha-isolation', 'code-cache');
    const written = (): Record<string, number> =>
      Object.fromEntries(fs.readdirSync(cacheDir).map((name) => [name, fs.statSync(path.join(cacheDir, name)).mtimeMs]));
    expect(runParallel().status).to.equal(0);
    const first = written();
    expect(
      Object.keys(first)
        .sort()
        .map((name) => name.replace(/-[0-9a-f]{16}\.bin$/, '')),
    ).to.deep.equal(['plugin-main', 'plugin-worker']);
    const second = runParallel();
    expect(second.stdout + second.stderr).to.contain('4 passing');
    expect(written()).to.deep.equal(first);
  });
});

describe('the packed plugin in a project with neither better-sqlite3 nor sinon', () => {
  let project: string;

  before(function () {
    this.timeout(300_000);
    project = installConsumer('consumer-nodb', ['mocha', 'chai']);
    fs.writeFileSync(
      path.join(project, '.mocharc.cjs'),
      `const { defineConfig } = require('mocha-isolation/hooks/mocharc');
module.exports = defineConfig({ spec: ['test/*.spec.js'], require: ['mocha-isolation/hooks'] });\n`,
    );
    fs.mkdirSync(path.join(project, 'test'));
    for (const name of ['a', 'b']) {
      fs.writeFileSync(
        path.join(project, 'test', `${name}.spec.js`),
        `const { expect } = require('chai');
const { SERIAL, setEnv, tempDir } = require('mocha-isolation/hooks');
describe('${name} ' + SERIAL, () => {
  it('${name} holds the serial lock', () => {
    setEnv({ LEAK: '${name}' });
    expect(require('fs').existsSync(tempDir())).to.equal(true);
  });
  it('${name} sees no env from other tests', () => expect(process.env.LEAK).to.equal(undefined));
});\n`,
      );
    }
  });

  after(() => {
    if (project !== undefined) fs.rmSync(project, { recursive: true, force: true });
  });

  it('has neither installed', () => {
    for (const name of ['better-sqlite3', 'sinon']) expect(() => require.resolve(name, { paths: [project] }), name).to.throw();
  });

  for (const mode of [['--no-parallel'], ['--parallel', '--jobs', '2']]) {
    it(`runs @serial tests and per-test helpers (${mode.join(' ')})`, () => {
      const run = spawnSync(process.execPath, [path.join(project, 'node_modules/mocha/bin/mocha.js'), ...mode], {
        cwd: project,
        env: userEnv(),
        encoding: 'utf8',
      });
      expect(run.stdout + run.stderr).to.contain('4 passing');
      expect(run.status).to.equal(0);
    });
  }
});
