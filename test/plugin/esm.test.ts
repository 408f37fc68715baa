import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO, fixtureDir, removeWork, runFixture, titles } from './support/run-fixture';

// Issue 20 §4: ways of running TypeScript and ES modules, serially and in parallel.
describe('an ES-module project (fixtures/esm-project: "type": "module", .mjs and .js specs, an ESM support file with mochaHooks)', () => {
  it("leaks one test's process.env into the next file without the plugin (serial)", async () => {
    const result = await runFixture('esm-project', { mode: 'serial', seed: 1, plugin: false });
    removeWork(result);
    expect(titles(result.failures)).to.deep.equal(['sees no variable another test set']);
  });

  for (const mode of ['serial', 'parallel'] as const) {
    it(`runs every test with the plugin, the support file's root hooks included (${mode})`, async () => {
      const result = await runFixture('esm-project', { mode, seed: 1 });
      removeWork(result);
      expect(result.failures.map((f) => `${f.fullTitle}: ${f.err.message}`)).to.deep.equal([]);
      expect(result.passes).to.have.length(3);
    });

    it(`says once, naming the file, that fresh modules cannot unload an ES module (${mode})`, async () => {
      const result = await runFixture('esm-project', { mode, seed: 1, env: { ISOLATION_MODULES: 'file' } });
      removeWork(result);
      expect(result.passes).to.have.length(3);
      expect(result.stderr.match(/is an ES module: Node cannot unload ES modules/g)).to.have.length(1);
    });
  }
});

describe('tsx as a node option (--node-option import=tsx, fixtures/launcher)', () => {
  const cwd = fixtureDir('launcher');
  for (const mode of ['--no-parallel', '--parallel --jobs 2']) {
    it(`runs under tsx, and its reproduce line keeps the option and works as printed (${mode})`, () => {
      const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tsx-option-'));
      const env = {
        ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(ISOLATION_|MOCHA_|npm_)/.test(key))),
        ISOLATION_DURATIONS: path.join(work, 'durations.json'),
        TMPDIR: work,
      };
      const sh = (command: string) => spawnSync('sh', ['-c', command], { cwd, env, encoding: 'utf8' });
      const run = sh(`node ${path.join(REPO, 'node_modules/mocha/bin/mocha.js')} --node-option import=tsx ${mode} --reporter dot`);
      const reproduce = /Reproduce: (.*)$/m.exec(run.stderr)?.[1] as string;
      const again = sh(reproduce);
      fs.rmSync(work, { recursive: true, force: true });
      expect(run.status, run.stderr).to.equal(0);
      expect(reproduce).to.contain('npx mocha --node-option import=tsx');
      expect(again.status, again.stderr).to.equal(0);
      expect(again.stdout).to.contain('1 passing');
    });
  }
});
