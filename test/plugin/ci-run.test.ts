import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ciRunId, commitUnderTest, seedOfRun } from '../../hooks/main/ci-run';

// Issue 21: what every job of one CI run shares (the run's id, hence the seed) and the commit a merge checks.
describe('the CI run a shard belongs to (ci-run.ts)', () => {
  it('reads the run id each CI system documents, a re-run of GitHub Actions included', () => {
    expect(ciRunId({ GITHUB_RUN_ID: '42', GITHUB_RUN_ATTEMPT: '2' })).to.equal('github:42:2');
    expect(ciRunId({ CI_PIPELINE_ID: '7' })).to.equal('gitlab:7');
    expect(ciRunId({ CIRCLE_WORKFLOW_ID: 'w' })).to.equal('circleci:w');
    expect(ciRunId({ BUILDKITE_BUILD_ID: 'b' })).to.equal('buildkite:b');
    expect(ciRunId({})).to.equal(undefined);
  });

  it('gives every job of a run one seed, and another run another', () => {
    const seed = seedOfRun('github:42:1');
    expect(seed).to.equal(seedOfRun('github:42:1'));
    expect(seed).to.not.equal(seedOfRun('github:42:2'));
    for (const id of ['a', 'github:1:1', 'x'.repeat(200)]) expect(seedOfRun(id)).to.be.within(1, 0x7fffffff);
  });

  it('reads the commit from CI, else from .git (a loose ref, a packed one, a detached HEAD)', () => {
    expect(commitUnderTest({ GITHUB_SHA: 'abc' }, '/')).to.equal('abc');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ci-run-'));
    try {
      const sha = 'a'.repeat(40);
      fs.mkdirSync(path.join(dir, '.git/refs/heads'), { recursive: true });
      fs.mkdirSync(path.join(dir, 'sub'));
      fs.writeFileSync(path.join(dir, '.git/HEAD'), 'ref: refs/heads/main\n');
      fs.writeFileSync(path.join(dir, '.git/refs/heads/main'), `${sha}\n`);
      expect(commitUnderTest({}, path.join(dir, 'sub'))).to.equal(sha);
      fs.rmSync(path.join(dir, '.git/refs/heads/main'));
      fs.writeFileSync(path.join(dir, '.git/packed-refs'), `# pack-refs\n${'b'.repeat(40)} refs/heads/main\n`);
      expect(commitUnderTest({}, dir)).to.equal('b'.repeat(40));
      fs.writeFileSync(path.join(dir, '.git/HEAD'), `${'c'.repeat(40)}\n`);
      expect(commitUnderTest({}, dir)).to.equal('c'.repeat(40));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
