// The environment sandbox's cost per test, measured in the benchmark's own process: the current one (the real
// process.env, an accessor noting a touch) against the one before issue 8 (a Proxy over a copy), for a test
// that never touches process.env, one that reads a variable, and one that writes one.

import sinon from 'sinon';
import { createEnvSandbox, type EnvSandbox } from '../../hooks/worker/env-sandbox';
import type { TestTeardown } from '../../hooks/worker/leaks/leftovers';
import { createEnvSandbox as createLegacyEnvSandbox } from './legacy-env-sandbox';

export interface EnvCost {
  /** Microseconds per test, median of 5 rounds. */
  current: { untouched: number; read: number; write: number };
  /** ISOLATION_ENV=strict: the environment read at every test's start and compared at its end. */
  strict: { untouched: number; read: number; write: number };
  legacy: { untouched: number; read: number; write: number };
  variables: number;
}

type TestBody = () => void;
const BODIES: Record<'untouched' | 'read' | 'write', TestBody> = {
  untouched: () => undefined,
  read: () => void process.env.PATH,
  write: () => void (process.env.BENCH_ENV_WRITE = 'x'),
};

/** One test of a sandbox's own: its setup, the body, its teardown. */
function sandboxed(sandbox: EnvSandbox): [() => void, () => void] {
  let teardown: TestTeardown | undefined;
  return [() => void (teardown = sandbox.sandboxTest()), () => void teardown?.()];
}

function perTest(start: () => void, end: () => void, body: TestBody, tests: number): number {
  const rounds: number[] = [];
  for (let round = 0; round < 5; round++) {
    const began = process.hrtime.bigint();
    for (let i = 0; i < tests; i++) {
      start();
      body();
      end();
    }
    rounds.push(Number(process.hrtime.bigint() - began) / 1000 / tests);
  }
  return rounds.sort((a, b) => a - b)[2] as number;
}

export function measureEnvCost(tests = 20_000): EnvCost {
  const descriptor = Object.getOwnPropertyDescriptor(process, 'env') as PropertyDescriptor;
  const cost = { variables: Object.keys(process.env).length } as EnvCost;
  try {
    const current = createEnvSandbox();
    current.fileStarted(undefined);
    cost.current = {
      untouched: perTest(...sandboxed(current), BODIES.untouched, tests),
      read: perTest(...sandboxed(current), BODIES.read, tests / 10),
      write: perTest(...sandboxed(current), BODIES.write, tests / 10),
    };
    current.fileEnded();
  } finally {
    Object.defineProperty(process, 'env', descriptor);
  }
  try {
    const strict = createEnvSandbox({}, true);
    strict.fileStarted(undefined);
    cost.strict = {
      untouched: perTest(...sandboxed(strict), BODIES.untouched, tests / 10),
      read: perTest(...sandboxed(strict), BODIES.read, tests / 10),
      write: perTest(...sandboxed(strict), BODIES.write, tests / 10),
    };
    strict.fileEnded();
  } finally {
    Object.defineProperty(process, 'env', descriptor);
  }
  const fileSandbox = sinon.createSandbox();
  const legacy = createLegacyEnvSandbox(fileSandbox, undefined);
  legacy.openFile();
  try {
    cost.legacy = {
      untouched: perTest(legacy.testStarted, legacy.testEnded, BODIES.untouched, tests),
      read: perTest(legacy.testStarted, legacy.testEnded, BODIES.read, tests),
      write: perTest(legacy.testStarted, legacy.testEnded, BODIES.write, tests),
    };
  } finally {
    legacy.closeFile();
  }
  return cost;
}
