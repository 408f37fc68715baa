import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fixtureDir, removeWork, runFixture, titles } from './support/run-fixture';

// Issue 20 §6: what CI tools read. Timing splitters (CircleCI `tests split --split-by=timings`, GitLab, Buildkite)
// read a JUnit file's <testcase> elements for their `file` (the spec file, as the splitter names files: relative
// to the project) and `time` (seconds). Checked field by field on mocha's xunit reporter in a parallel run that
// also holds tests the plugin reported itself (a dead worker's, a file that failed to load), and then used as a
// splitter would: every spec file gets a time.
describe('the JUnit file a timing splitter reads (fixtures/queued-fail, parallel)', () => {
  it('gives every test case its spec file, relative with showRelativePaths, and a time in seconds', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'ci-formats-'));
    const output = path.join(folder, 'junit.xml');
    const env = { FIXTURE_END: 'kill', FIXTURE_ENDERS: 'b', FIXTURE_LOAD_THROW: 'a', ISOLATION_SHUFFLE: 'off' };
    const args = ['--reporter-option', `output=${output}`, '--reporter-option', 'showRelativePaths=true'];
    const result = await runFixture('queued-fail', { mode: 'parallel', jobs: 2, seed: 1, env, args, reporter: 'xunit' });
    removeWork(result);
    const xml = fs.readFileSync(output, 'utf8');
    fs.rmSync(folder, { recursive: true, force: true });
    const cases = [...xml.matchAll(/<testcase ([^>]*?)\/?>/g)].map((match) =>
      Object.fromEntries([...(match[1] as string).matchAll(/(\w+)="([^"]*)"/g)].map((pair) => [pair[1], pair[2]])),
    );
    expect(cases.length).to.be.above(2);
    const specFiles = fs
      .readdirSync(fixtureDir('queued-fail'))
      .filter((name) => name.endsWith('.spec.ts'))
      .sort();
    for (const testCase of cases) {
      expect(testCase, JSON.stringify(testCase)).to.include.keys('classname', 'name', 'time', 'file');
      expect(specFiles, JSON.stringify(testCase)).to.include(testCase.file);
      expect(Number(testCase.time), JSON.stringify(testCase)).to.be.at.least(0);
    }
    // As a splitter sums them: every spec file has a time, the one that failed to load and the dead worker's too.
    const timeByFile = new Map<string, number>();
    for (const testCase of cases)
      timeByFile.set(testCase.file as string, (timeByFile.get(testCase.file as string) ?? 0) + Number(testCase.time));
    expect([...timeByFile.keys()].sort()).to.deep.equal(specFiles);
  });
});

// The files an external splitter hands over (`npx mocha $(circleci tests split …)`) are exactly the files run.
describe('an explicit file list from a splitter (fixtures/order, parallel)', () => {
  it('runs exactly the files named, in parallel, and no other', async () => {
    const all = await runFixture('order', { mode: 'parallel', jobs: 2, seed: 1 });
    const named = await runFixture('order', { mode: 'parallel', jobs: 2, seed: 1, args: ['one.spec.ts', 'three.spec.ts'] });
    removeWork(all);
    removeWork(named);
    const files = new Set(named.tests.map((test) => path.basename(test.file)));
    expect([...files].sort()).to.deep.equal(['one.spec.ts', 'three.spec.ts']);
    expect(titles(named.passes)).to.deep.equal(titles(all.passes.filter((test) => !test.file.endsWith('two.spec.ts'))));
  });
});
