// A new project with the packed plugin installed by npm, as the README tells users to. Runs in: the test process.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO } from './run-fixture';

/** The version this repository installed: npm then finds it in its cache (CI has the registry, but a second download is waste). */
export const versionOf = (name: string): string =>
  JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules', name, 'package.json'), 'utf8')).version;

/** The environment of a user's shell: nothing from this run's npm, mocha or plugin. */
export function userEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(ISOLATION_|MOCHA_|npm_|BMTC_)/i.test(k) && k !== 'NODE_OPTIONS'),
  );
}

/**
 * A new project with the packed plugin and `dependencies` (at this repo's versions) installed by npm. Install
 * scripts are skipped: a test that needs better-sqlite3 copies in the binary this repo compiled.
 */
export function installConsumer(name: string, dependencies: readonly string[]): string {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  const tarball = withPackLock(() =>
    execFileSync('npm', ['pack', '--silent', '--pack-destination', project], {
      cwd: REPO,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  )
    .trim()
    .split('\n')
    .pop() as string;
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true }));
  const specs = [`./${tarball}`, ...dependencies.map((dependency) => `${dependency}@${versionOf(dependency)}`)];
  execFileSync('npm', ['install', '--save-dev', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', ...specs], {
    cwd: project,
    env: userEnv(),
    stdio: 'pipe',
  });
  return project;
}

const PACK_LOCK = path.join(REPO, 'node_modules', '.cache', 'mocha-isolation-pack.lock');

/**
 * One `npm pack` of this repository at a time, across the suite's worker processes: packing builds dist/ first
 * (prepack), and two builds writing it at once failed one of them (CI, package.test.ts beside
 * typescript-runners.test.ts). A directory made with mkdir is the lock; one older than 5 minutes is a crashed
 * holder's.
 */
function withPackLock<T>(pack: () => T): T {
  fs.mkdirSync(path.dirname(PACK_LOCK), { recursive: true });
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      fs.mkdirSync(PACK_LOCK);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      try {
        if (Date.now() - fs.statSync(PACK_LOCK).mtimeMs > 5 * 60_000) fs.rmSync(PACK_LOCK, { recursive: true, force: true });
      } catch {
        // Released between the two calls: try again.
      }
      if (Date.now() > deadline)
        throw new Error(`waited 10 minutes for another npm pack of this repository (${PACK_LOCK})`, { cause: error });
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    return pack();
  } finally {
    fs.rmSync(PACK_LOCK, { recursive: true, force: true });
  }
}
