// A test's full title and its place in its file (the key the dead-worker marker and the main process agree on),
// from its suite's title path, read once per suite. Runs in: worker (or the --no-parallel process), per test.
//
// mocha's Runnable#fullTitle() and #titlePath() walk up every suite on every call; the plugin needs both for
// every test. The results are the same strings: [...suite.titlePath(), test.title] joined by ' ', or by
// TITLE_SEPARATOR.

import { TITLE_SEPARATOR } from '../../shared/run-layout';

/** What the plugin's checks and messages know of a test. */
export interface TestInfo {
  /** The full title; built on first use (messages only), since building it costs more than a test. */
  readonly title: string;
  readonly file: string | undefined;
  /** Tagged @serial, in its own title or a describe's. */
  readonly serial: boolean;
}

interface TitledTest {
  readonly title: string;
  readonly parent?: { titlePath(): string[] } | undefined;
  fullTitle(): string;
}

interface SuitePrefixes {
  full: string;
  place: string;
}

// Suites are never retitled once loaded; a suite dropped with its file is dropped from here too.
const PREFIXES = new WeakMap<object, SuitePrefixes>();

function prefixes(suite: { titlePath(): string[] }): SuitePrefixes {
  let known = PREFIXES.get(suite);
  if (known === undefined) {
    const path = suite.titlePath();
    known =
      path.length === 0
        ? { full: '', place: '' }
        : { full: `${path.join(' ')} `, place: `${path.join(TITLE_SEPARATOR)}${TITLE_SEPARATOR}` };
    PREFIXES.set(suite, known);
  }
  return known;
}

/** Test#fullTitle(). */
export function fullTitleOf(test: TitledTest): string {
  return test.parent === undefined ? test.fullTitle() : prefixes(test.parent).full + test.title;
}

/** The test's title path joined by TITLE_SEPARATOR. */
export function placeOf(test: TitledTest & { titlePath(): string[] }): string {
  return test.parent === undefined ? test.titlePath().join(TITLE_SEPARATOR) : prefixes(test.parent).place + test.title;
}
