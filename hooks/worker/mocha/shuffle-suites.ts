// Shuffles the tests and suites of the loaded files in place, before the runner reads them.
// Runs in: worker (or the --no-parallel process), from the root beforeAll hook, once per file in parallel mode.

import type { Suite } from 'mocha';
import type { ShuffleLevel } from '../../config';
import { specKey } from '../../shared/run-layout';
import { shuffleInPlace } from '../../shared/shuffle';

/** Put it in a describe's title to keep its tests and nested describes in declared order (ordered steps). */
export const ORDERED = '@ordered';

function fileKey(file: string | undefined, cwd: string): string {
  return file === undefined ? '' : specKey(file, cwd);
}

/**
 * The key of every list is its file and suite title, never its position in the run, so a file shows the same
 * order whether it runs alone, with the whole suite, serially or in any worker.
 * The root suite holds several files in --no-parallel mode: their order (decided by the spec list) is kept.
 */
export function shuffleSuiteTree(root: Suite, seed: number, cwd: string, level: ShuffleLevel): void {
  if (level === 'off' || level === 'files') return;
  root.tests = regroupByFile(root.tests, (test) => test.file, seed, cwd, level === 'tests');
  root.suites = regroupByFile(root.suites, (suite) => suite.file, seed, cwd, true);
  for (const suite of root.suites) shuffleSuite(suite, seed, cwd, level);
}

function shuffleSuite(suite: Suite, seed: number, cwd: string, level: ShuffleLevel): void {
  if (suite.title.includes(ORDERED)) return;
  const key = `${fileKey(suite.file, cwd)}::${suite.fullTitle()}`;
  if (level === 'tests') shuffleInPlace(suite.tests, seed, `${key}::tests`);
  shuffleInPlace(suite.suites, seed, `${key}::suites`);
  for (const child of suite.suites) shuffleSuite(child, seed, cwd, level);
}

function regroupByFile<T>(items: T[], fileOf: (item: T) => string | undefined, seed: number, cwd: string, shuffled: boolean): T[] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = fileKey(fileOf(item), cwd);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  const result: T[] = [];
  for (const [key, group] of groups) {
    if (shuffled) shuffleInPlace(group, seed, `${key}::`);
    result.push(...group);
  }
  return result;
}
