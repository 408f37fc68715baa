// Turns the runs into the benchmark's figures: medians per variant, then ratios between variants.
// Runs in: the benchmark process. Pure: every number printed comes from the runs of this one benchmark.

import type { RunResult } from './run-mocha';

export interface VariantSummary {
  key: string;
  label: string;
  runs: number;
  wallMs: number;
  cpuMs: number | undefined;
  firstTestMs: number;
  /** Sum and maximum of the per-file times (the work a perfect scheduler must spread). */
  totalFileMs: number;
  longestFileMs: number;
  /** Peak RSS of each process of the median run, largest first. */
  peakRssMb: number[];
}

export interface Figures {
  jobs: number;
  trivialTests: number;
  variants: Record<string, VariantSummary>;
  ratios: Record<string, { value: number | undefined; target?: string; note: string }>;
}

export function median(values: readonly number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export function summarize(key: string, label: string, runs: readonly RunResult[]): VariantSummary {
  const byWall = runs.slice().sort((a, b) => a.wallMs - b.wallMs);
  const medianRun = byWall[Math.floor((byWall.length - 1) / 2)] as RunResult;
  const cpus = runs.map((r) => r.cpuMs).filter((c): c is number => c !== undefined);
  return {
    key,
    label,
    runs: runs.length,
    wallMs: median(runs.map((r) => r.wallMs)),
    cpuMs: cpus.length === runs.length ? median(cpus) : undefined,
    firstTestMs: median(runs.map((r) => r.firstTestMs)),
    totalFileMs: median(runs.map((r) => Object.values(r.fileMs).reduce((sum, ms) => sum + ms, 0))),
    longestFileMs: median(runs.map((r) => Math.max(...Object.values(r.fileMs)))),
    peakRssMb: medianRun.processes.map((p) => p.maxRssKb / 1024).sort((a, b) => b - a),
  };
}

export function computeFigures(variants: Record<string, VariantSummary>, jobs: number, trivialTests: number, files?: number): Figures {
  const v = (key: string): VariantSummary | undefined => variants[key];
  const ratio = (a: number | undefined, b: number | undefined): number | undefined =>
    a === undefined || b === undefined || b === 0 ? undefined : a / b;
  const lowerBound = (parallel: string, serial: string): number | undefined => {
    const p = v(parallel);
    const s = v(serial);
    return p && s ? p.firstTestMs + Math.max(s.totalFileMs / jobs, s.longestFileMs) : undefined;
  };
  /** Cost per test with the fixed cost of a run (start-up, one test) taken out. */
  const perTest = (many: number | undefined, one: number | undefined): number | undefined =>
    many === undefined || one === undefined ? undefined : ((many - one) * 1000) / (trivialTests - 1);
  const difference = (a: number | undefined, b: number | undefined): number | undefined =>
    a === undefined || b === undefined ? undefined : a - b;
  const perFile = (total: number | undefined, count: number | undefined): number | undefined =>
    total === undefined || !count ? undefined : total / count;

  // Serially, the trivial file's own time (its before to its after hook) minus the one-test file's: what is
  // done once (the plugin's worker set-up on the first test) cancels out.
  const serialPerTestPlugin = perTest(v('trivial-serial-plugin')?.totalFileMs, v('one-serial-plugin')?.totalFileMs);
  const serialPerTestBare = perTest(v('trivial-serial-bare')?.totalFileMs, v('one-serial-bare')?.totalFileMs);
  const cpuPerTestPlugin = perTest(v('trivial-parallel-plugin')?.cpuMs, v('one-parallel-plugin')?.cpuMs);
  const cpuPerTestBare = perTest(v('trivial-parallel-bare')?.cpuMs, v('one-parallel-bare')?.cpuMs);
  const lbPlugin = lowerBound('parallel-plugin', 'serial-plugin');
  const lbBare = lowerBound('parallel-bare', 'serial-bare');
  const shareOfWall = (plugin: string, bare: string): number | undefined => {
    const p = v(plugin)?.wallMs;
    const b = v(bare)?.wallMs;
    return p === undefined || b === undefined ? undefined : (p - b) / p;
  };

  // --peers: the same suite under Vitest and Jest, against the plugin in parallel (above 1: the peer is slower).
  const peerRatios: Record<string, { value: number | undefined; note: string }> = {};
  for (const [key, summary] of Object.entries(variants)) {
    if (!key.startsWith('peer-')) continue;
    peerRatios[`${key} wall`] = {
      value: ratio(summary.wallMs, v('parallel-plugin')?.wallMs),
      note: `${summary.label}: wall / the plugin's parallel wall`,
    };
    peerRatios[`${key} cpu`] = {
      value: ratio(summary.cpuMs, v('parallel-plugin')?.cpuMs),
      note: `${summary.label}: CPU / the plugin's parallel CPU`,
    };
    // Against the plugin with fresh modules per file: isolation of modules on both sides.
    peerRatios[`${key} wall fresh`] = {
      value: ratio(summary.wallMs, v('parallel-plugin-fresh')?.wallMs),
      note: `${summary.label}: wall / the plugin's, fresh modules per file`,
    };
  }

  return {
    jobs,
    trivialTests,
    variants,
    ratios: {
      speedupPlugin: {
        value: ratio(v('serial-plugin')?.wallMs, v('parallel-plugin')?.wallMs),
        note: 'parallel speedup over serial, plugin (wall / wall)',
      },
      speedupBare: { value: ratio(v('serial-bare')?.wallMs, v('parallel-bare')?.wallMs), note: 'parallel speedup over serial, bare mocha' },
      lowerBoundMs: { value: lbPlugin, note: `LB = first test + max(serial file time / ${jobs} jobs, longest file), plugin (ms)` },
      wallOverLowerBoundPlugin: {
        value: ratio(v('parallel-plugin')?.wallMs, lbPlugin),
        target: '<= 1.15',
        note: 'parallel wall / LB, plugin',
      },
      wallOverLowerBoundBare: { value: ratio(v('parallel-bare')?.wallMs, lbBare), note: 'parallel wall / LB, bare mocha (its own LB)' },
      unluckyNoCache: {
        value: ratio(v('declared-no-cache')?.wallMs, v('best-order')?.wallMs),
        note: 'slow files declared last, no cache / best order',
      },
      unluckyWithCache: {
        value: ratio(v('declared-cache')?.wallMs, v('best-order')?.wallMs),
        target: '<= 1.05',
        note: 'slow files declared last, with cache / best order',
      },
      pluginSerialUsPerTest: {
        value: difference(serialPerTestPlugin, serialPerTestBare),
        target: '<= 20',
        note: 'plugin cost per test, serial (µs, trivial suite, over bare)',
      },
      freshModulesCpuMsPerFile: {
        value: perFile(difference(v('parallel-plugin-fresh')?.cpuMs, v('parallel-plugin')?.cpuMs), files),
        target: '<= 15',
        note: 'fresh modules per file: CPU per spec file over the plugin without them (ms, default suite)',
      },
      leakReportUsPerLeakingTest: {
        value: difference(perTest(v('leaky-serial-plugin')?.totalFileMs, v('one-serial-plugin')?.totalFileMs), serialPerTestPlugin),
        note: 'leak report cost per leaking test, serial (µs: a test that changes a variable, over a clean one)',
      },
      // Issue 10 §2: with the plugin's lean worker stream, mocha and the plugin together at Vitest threads' level,
      // and the plugin's own share small (it may be negative: the stream saves mocha more than the plugin costs).
      parallelCpuUsPerTest: {
        value: cpuPerTestPlugin,
        target: '<= 110',
        note: 'CPU per test, parallel, mocha with the plugin (µs, all processes, trivial suite)',
      },
      pluginParallelCpuUsPerTest: {
        value: difference(cpuPerTestPlugin, cpuPerTestBare),
        target: '<= 10',
        note: 'plugin CPU per test, parallel (µs, all processes, over bare)',
      },
      bareParallelCpuUsPerTest: { value: cpuPerTestBare, note: 'bare mocha CPU per test, parallel (µs, for scale)' },
      pluginShareOfSerialWall: {
        value: shareOfWall('serial-plugin', 'serial-bare'),
        note: 'plugin share of serial wall, default suite ((plugin - bare) / plugin)',
      },
      pluginShareOfParallelWall: {
        value: shareOfWall('parallel-plugin', 'parallel-bare'),
        note: 'plugin share of parallel wall, default suite',
      },
      firstTestMsPlugin: {
        value: v('startup-parallel-plugin')?.firstTestMs,
        target: '<= 450',
        note: 'time to first test, parallel, plugin (ms from starting mocha; start-up runs)',
      },
      firstTestMsBare: {
        value: v('startup-parallel-bare')?.firstTestMs,
        note: 'time to first test, parallel, bare mocha (ms; start-up runs)',
      },
      firstTestOverBareMs: {
        value: difference(v('startup-parallel-plugin')?.firstTestMs, v('startup-parallel-bare')?.firstTestMs),
        target: '<= 25',
        note: 'time to first test, parallel, plugin over bare mocha (ms; issue 10 §3)',
      },
      peakRssMbPerWorker: { value: v('parallel-plugin')?.peakRssMb[0], note: 'largest peak RSS of a worker, parallel, plugin (MB)' },
      peakRssMbPerWorkerBare: { value: v('parallel-bare')?.peakRssMb[0], note: 'largest peak RSS of a worker, parallel, bare mocha (MB)' },
      ...peerRatios,
    },
  };
}
