// What every job of one CI run shares: the run's id (for a seed all its shards agree on) and the commit under test
// (so `mocha-isolation merge` can refuse records of another commit). Runs in: main process (config).
// Read from the variables each CI system documents; a commit outside CI from .git, without starting git.

import fs from 'node:fs';
import path from 'node:path';
import { hashString } from '../shared/shuffle';

/** The id of the CI run (the same in every job of it, a new one for a re-run), or undefined outside CI. */
export function ciRunId(env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (env.GITHUB_RUN_ID !== undefined) return `github:${env.GITHUB_RUN_ID}:${env.GITHUB_RUN_ATTEMPT ?? '1'}`;
  if (env.CI_PIPELINE_ID !== undefined) return `gitlab:${env.CI_PIPELINE_ID}`;
  if (env.CIRCLE_WORKFLOW_ID !== undefined) return `circleci:${env.CIRCLE_WORKFLOW_ID}`;
  if (env.BUILDKITE_BUILD_ID !== undefined) return `buildkite:${env.BUILDKITE_BUILD_ID}`;
  return undefined;
}

/** A seed from the run's id: every shard of one CI run shuffles alike without ISOLATION_SEED being set. */
export function seedOfRun(runId: string): number {
  // 31 bits: a seed is a positive 32-bit integer.
  return hashString(runId) & 0x7fffffff || 1;
}

/** The commit under test: CI's variable, else .git's HEAD (a branch's ref, loose or packed); undefined if neither. */
export function commitUnderTest(env: Readonly<Record<string, string | undefined>>, cwd: string): string | undefined {
  const fromCi = env.GITHUB_SHA ?? env.CI_COMMIT_SHA ?? env.CIRCLE_SHA1 ?? env.BUILDKITE_COMMIT;
  if (fromCi !== undefined && fromCi !== '') return fromCi;
  try {
    const gitDir = findGitDir(cwd);
    if (gitDir === undefined) return undefined;
    const head = fs.readFileSync(path.join(gitDir, 'HEAD'), 'utf8').trim();
    const ref = /^ref: (.+)$/.exec(head)?.[1];
    if (ref === undefined) return /^[0-9a-f]{40}$/.test(head) ? head : undefined;
    const loose = path.join(gitDir, ref);
    if (fs.existsSync(loose)) return fs.readFileSync(loose, 'utf8').trim();
    const packed = fs.readFileSync(path.join(gitDir, 'packed-refs'), 'utf8');
    return new RegExp(`^([0-9a-f]{40}) ${ref.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm').exec(packed)?.[1];
  } catch {
    return undefined;
  }
}

function findGitDir(from: string): string | undefined {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, '.git');
    if (fs.existsSync(candidate)) {
      // A worktree or submodule has a file "gitdir: <path>".
      if (fs.statSync(candidate).isFile())
        return path.resolve(
          dir,
          fs
            .readFileSync(candidate, 'utf8')
            .replace(/^gitdir: /, '')
            .trim(),
        );
      return candidate;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}
