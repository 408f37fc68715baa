// The environment sandbox's cost per test, measured in the benchmark's own process: the current one (the real
// process.env, an accessor noting a touch) against the one before issue 8 (a Proxy over a copy), for a test
// that never touches process.env, one that reads a variable, and one that writes one.

import sinon from 'sinon';
import { createEnvSandbox } from '../../hooks/worker/env-sandbox';
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
      untouched: perTest(current.testStarted, () => current.testEnded(), BODIES.untouched, tests),
      read: perTest(current.testStarted, () => current.testEnded(), BODIES.read, tests / 10),
      write: perTest(current.testStarted, () => current.testEnded(), BODIES.write, tests / 10),
    };
    current.fileEnded();
  } finally {
    Object.defineProperty(process, 'env', descriptor);
  }
  try {
    const strict = createEnvSandbox({}, true);
    strict.fileStarted(undefined);
    cost.strict = {
      untouched: perTest(strict.testStarted, () => strict.testEnded(), BODIES.untouched, tests / 10),
      read: perTest(strict.testStarted, () => strict.testEnded(), BODIES.read, tests / 10),
      write: perTest(strict.testStarted, () => strict.testEnded(), BODIES.write, tests / 10),
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
