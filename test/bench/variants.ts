// The benchmark's variants: what is run, and how many times. Runs in: the benchmark process.

import type { SyntheticSuite } from './synthetic-suite';
import type { RunSpec, Transpiler } from './run-mocha';

export type VariantSpec = Pick<RunSpec, 'mode' | 'plugin' | 'transpiler' | 'spec' | 'env'>;

export interface Variant {
  key: string;
  label: string;
  /** What mocha runs; absent for a peer runner. */
  spec?: VariantSpec;
  /** At most this many runs (the slow transpilers), to keep the whole benchmark within a few minutes. */
  maxRuns?: number;
  /** Runs per round: the trivial suites take half a second and give per-test figures of a few µs, so more samples. */
  repeat?: number;
  /** Another runner on the same suite (--peers) instead of mocha. */
  peer?: import('./peers').PeerCommand;
}

// Fixed so that plugin runs are comparable run to run; the seed only changes the order inside files here.
const SEED = { ISOLATION_SEED: '1' };
const DECLARED = { ...SEED, ISOLATION_SHUFFLE: 'off' };

export function buildVariants(suite: SyntheticSuite, transpilers: boolean): Variant[] {
  const all = { config: 'spec/*.spec.ts' };
  const fastFirst = [...suite.slowSpecFiles, ...suite.specFiles.filter((file) => !suite.slowSpecFiles.includes(file))];
  const variants: Variant[] = [
    { key: 'serial-bare', label: 'serial, bare mocha', spec: { mode: 'serial', plugin: false, transpiler: 'swc-register', spec: all } },
    // Runs before any parallel plugin run, so the duration cache is filled from the start.
    {
      key: 'serial-plugin',
      label: 'serial, plugin',
      spec: { mode: 'serial', plugin: true, transpiler: 'swc-register', spec: all, env: SEED },
    },
    {
      key: 'parallel-bare',
      label: 'parallel, bare mocha',
      spec: { mode: 'parallel', plugin: false, transpiler: 'swc-register', spec: all },
    },
    {
      key: 'parallel-plugin',
      label: 'parallel, plugin',
      spec: { mode: 'parallel', plugin: true, transpiler: 'swc-register', spec: all, env: SEED },
    },
    {
      key: 'parallel-plugin-fresh',
      label: 'parallel, plugin, fresh modules per file',
      spec: { mode: 'parallel', plugin: true, transpiler: 'swc-register', spec: all, env: { ...SEED, ISOLATION_MODULES: 'file' } },
    },
    {
      key: 'declared-no-cache',
      label: 'parallel, slow files declared last, no cache',
      spec: { mode: 'parallel', plugin: true, transpiler: 'swc-register', spec: all, env: { ...DECLARED, ISOLATION_DURATIONS: 'off' } },
    },
    {
      key: 'declared-cache',
      label: 'parallel, slow files declared last, with cache',
      spec: { mode: 'parallel', plugin: true, transpiler: 'swc-register', spec: all, env: DECLARED },
    },
    {
      key: 'best-order',
      label: 'parallel, slow files named first (best order)',
      spec: {
        mode: 'parallel',
        plugin: true,
        transpiler: 'swc-register',
        spec: { cli: fastFirst },
        env: { ...DECLARED, ISOLATION_DURATIONS: 'off' },
      },
    },
  ];
  for (const [mode, plugin] of [
    ['serial', false],
    ['serial', true],
    ['parallel', false],
    ['parallel', true],
  ] as const) {
    const who = plugin ? 'plugin' : 'bare';
    const env = plugin ? SEED : undefined;
    variants.push(
      {
        key: `trivial-${mode}-${who}`,
        label: `trivial ${mode}, ${plugin ? 'plugin' : 'bare mocha'}`,
        spec: { mode, plugin, transpiler: 'swc-register', spec: { config: suite.trivialFile }, env },
        repeat: 3,
      },
      {
        key: `one-${mode}-${who}`,
        label: `one test ${mode}, ${plugin ? 'plugin' : 'bare mocha'}`,
        spec: { mode, plugin, transpiler: 'swc-register', spec: { config: suite.oneTestFile }, env },
        repeat: 3,
      },
    );
  }
  // Issue 10 §3, time to the first test: a run's first moments are what its other 8 seconds drown, so they get
  // runs of their own, many of them, taking turns: two files of the default suite (one per worker), its support
  // module and config, the same for both.
  const firstTwo = suite.specFiles.slice(0, 2);
  for (const plugin of [false, true]) {
    variants.push({
      key: `startup-parallel-${plugin ? 'plugin' : 'bare'}`,
      label: `start-up: 2 files parallel, ${plugin ? 'plugin' : 'bare mocha'}`,
      spec: { mode: 'parallel', plugin, transpiler: 'swc-register', spec: { cli: firstTwo }, env: plugin ? SEED : undefined },
      repeat: 7,
    });
  }
  variants.push({
    key: 'leaky-serial-plugin',
    label: 'trivial serial, plugin, every test leaks a variable',
    spec: { mode: 'serial', plugin: true, transpiler: 'swc-register', spec: { config: suite.leakyFile }, env: SEED },
    repeat: 3,
  });
  if (transpilers) {
    const others: [Transpiler, string][] = [
      ['ts-node', 'ts-node, type-checking'],
      ['ts-node-transpile-only', 'ts-node, transpile-only'],
      ['ts-node-swc', 'ts-node, swc mode'],
      ['js', 'precompiled JS (floor)'],
    ];
    for (const [transpiler, label] of others) {
      variants.push({
        key: `transpiler-${transpiler}`,
        label: `parallel, plugin, ${label}`,
        spec: { mode: 'parallel', plugin: true, transpiler, spec: all, env: SEED },
        maxRuns: 2,
      });
    }
  }
  return variants;
}
