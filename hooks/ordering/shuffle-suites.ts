// Shuffles the tests and suites of the loaded files in place, before the runner reads them.
// Runs in: worker (or the --no-parallel process), from the root beforeAll hook, once per file in parallel mode.

import type { Suite } from 'mocha';
import { specKey } from '../shared/run-layout';
import { shuffleInPlace } from './shuffle';

function fileKey(file: string | undefined, cwd: string): string {
  return file === undefined ? '' : specKey(file, cwd);
}

/**
 * The key of every list is its file and suite title, never its position in the run, so a file shows the same
 * order whether it runs alone, with the whole suite, serially or in any worker.
 * The root suite holds several files in --no-parallel mode: their order (decided by the spec list) is kept.
 */
export function shuffleSuiteTree(root: Suite, seed: number, cwd: string): void {
  root.tests = regroupByFile(root.tests, (test) => test.file, seed, cwd);
  root.suites = regroupByFile(root.suites, (suite) => suite.file, seed, cwd);
  for (const suite of root.suites) shuffleSuite(suite, seed, cwd);
}

function shuffleSuite(suite: Suite, seed: number, cwd: string): void {
  const key = `${fileKey(suite.file, cwd)}::${suite.fullTitle()}`;
  shuffleInPlace(suite.tests, seed, `${key}::tests`);
  shuffleInPlace(suite.suites, seed, `${key}::suites`);
  for (const child of suite.suites) shuffleSuite(child, seed, cwd);
}

function regroupByFile<T>(items: T[], fileOf: (item: T) => string | undefined, seed: number, cwd: string): T[] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = fileKey(fileOf(item), cwd);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  const result: T[] = [];
  for (const [key, group] of groups) {
    shuffleInPlace(group, seed, `${key}::`);
    result.push(...group);
  }
  return result;
}
