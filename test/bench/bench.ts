// `npm run bench`: one benchmark run on this machine. Generates the synthetic suite, runs every variant
// several times in rotation, prints medians and ratios, and writes the same figures as JSON.
// Flags: --files N --tests M --slow-files N --slow-factor F --slowest-factor F --trivial N --runs R --cpu-ms X
// --no-transpilers --only KEY,PREFIX --json FILE

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { computeFigures, summarize, type Figures, type VariantSummary } from './figures';
import { formatReport } from './format-report';
import { runMocha, stopCurrentRun, type RunResult } from './run-mocha';
import { installPlugin, precompile, writeSyntheticSuite, type SuiteShape } from './synthetic-suite';
import { buildVariants, type Variant, type VariantSpec } from './variants';
import { measureEnvCost } from './env-cost';
import { measureReportCost, readRunOutputs, startupBreakdown } from './report-cost';
import { installPeers, type PeerCommand, writePeerSuites } from './peers';
import { measureRun, suiteEnv } from './run-mocha';

const REPO = path.resolve(__dirname, '../..');

function readOptions(): {
  shape: SuiteShape;
  runs: number;
  transpilers: boolean;
  peers: boolean;
  json: string;
  only: string[] | undefined;
} {
  const { values } = parseArgs({
    options: {
      files: { type: 'string', default: '128' },
      tests: { type: 'string', default: '20' },
      // Three slow files, the last declared one 60x longer than an ordinary file: about a fifth of the suite's
      // time, so dispatching it last shows in the wall time (mocha hands out files in spec order).
      'slow-files': { type: 'string', default: '3' },
      'slow-factor': { type: 'string', default: '10' },
      'slowest-factor': { type: 'string', default: '60' },
      trivial: { type: 'string', default: '10000' },
      runs: { type: 'string', default: '3' },
      'cpu-ms': { type: 'string', default: '2' },
      'no-transpilers': { type: 'boolean', default: false },
      peers: { type: 'boolean', default: false },
      json: { type: 'string' },
      only: { type: 'string' },
    },
  });
  const whole = (name: string, raw: string, min: number): number => {
    if (!/^\d+$/.test(raw) || Number(raw) < min) {
      process.stderr.write(`bench: --${name} must be a whole number of at least ${min}, got "${raw}".\n`);
      process.exit(2);
    }
    return Number(raw);
  };
  const cpuMs = Number(values['cpu-ms']);
  if (!(cpuMs >= 0)) {
    process.stderr.write(`bench: --cpu-ms must be a number of milliseconds, got "${values['cpu-ms']}".\n`);
    process.exit(2);
  }
  const files = whole('files', values.files, 2);
  const slowFiles = whole('slow-files', values['slow-files'], 0);
  if (slowFiles >= files) {
    process.stderr.write(`bench: --slow-files must be less than --files (${files}), got "${slowFiles}".\n`);
    process.exit(2);
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return {
    shape: {
      files,
      tests: whole('tests', values.tests, 1),
      slowFiles,
      slowFactor: whole('slow-factor', values['slow-factor'], 1),
      slowestFactor: whole('slowest-factor', values['slowest-factor'], 1),
      cpuMs,
      trivialTests: whole('trivial', values.trivial, 2),
    },
    runs: whole('runs', values.runs, 1),
    transpilers: !values['no-transpilers'],
    peers: values.peers,
    only: values.only?.split(',').filter(Boolean),
    json: path.resolve(values.json ?? path.join(REPO, '.mocha-isolation', 'bench', `bench-${stamp}.json`)),
  };
}

/** Iterations of the suite's spin loop per millisecond on this machine, so "2 ms of CPU" means that here. */
function calibrateSpin(): number {
  let x = 0;
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < 300) {
    for (let i = 0; i < 100_000; i++) x = (x * 31 + i) | 0;
    n += 100_000;
  }
  return Math.round(n / (performance.now() - start) + (x & 0));
}

async function main(): Promise<void> {
  const options = readOptions();
  const jobs = os.availableParallelism();
  const suiteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mocha-isolation-bench-'));
  const cleanUp = (): void => fs.rmSync(suiteDir, { recursive: true, force: true });
  process.once('SIGINT', () => {
    stopCurrentRun();
    cleanUp();
    process.exit(130);
  });
  try {
    process.stdout.write('bench: building the plugin (npm run build) and the synthetic suite...\n');
    execFileSync(process.execPath, [path.join(REPO, 'node_modules/typescript/bin/tsc'), '-p', path.join(REPO, 'tsconfig.build.json')], {
      stdio: 'inherit',
    });
    // As `npm run build` does: the bundle users get (without it, the entry files were tsc's, unbundled).
    execFileSync(process.execPath, [path.join(REPO, 'scripts/bundle-plugin.cjs')], { stdio: 'inherit' });
    const suite = writeSyntheticSuite(suiteDir, options.shape, REPO);
    precompile(suite);
    const pluginEntry = installPlugin(suiteDir, REPO);
    const spinPerMs = calibrateSpin();
    process.stdout.write('bench: the environment sandbox per test, current and before issue 8...\n');
    const envCost = measureEnvCost();
    const only = options.only;
    const peerCommands: PeerCommand[] = options.peers
      ? writePeerSuites(
          suite,
          installPeers((line) => process.stdout.write(`${line}\n`)),
          jobs,
        )
      : [];
    const variants = [
      ...buildVariants(suite, options.transpilers),
      ...peerCommands.map((peer): Variant => ({ key: peer.key, label: peer.label, peer })),
    ].filter((variant) => only === undefined || only.some((prefix) => variant.key.startsWith(prefix)));
    const results = new Map<string, RunResult[]>(variants.map((variant) => [variant.key, []]));
    const common = { suiteDir, mochaBin: path.join(REPO, 'node_modules/mocha/bin/mocha.js'), pluginEntry, jobs, spinPerMs };

    const runPeer = (peer: PeerCommand) => {
      const { env, probeDir } = suiteEnv(suiteDir, spinPerMs, peer.env);
      return measureRun(peer.argv, suiteDir, env, probeDir, peer.label);
    };
    const started = performance.now();
    let defaultSuiteRun: ReturnType<typeof readRunOutputs>;
    // Variants take turns, so a slow minute on a shared machine hits all of them rather than one.
    // Repeats take turns too: a variant's second run comes after every other variant's first.
    const mostRepeats = Math.max(1, ...variants.map((variant) => variant.repeat ?? 1));
    for (let round = 1; round <= options.runs; round++) {
      for (let repeat = 1; repeat <= mostRepeats; repeat++) {
        for (const variant of variants) {
          if (round > (variant.maxRuns ?? Infinity) || repeat > (variant.repeat ?? 1)) continue;
          process.stdout.write(`bench: round ${round}/${options.runs}: ${variant.label}...`);
          const result =
            variant.peer !== undefined ? await runPeer(variant.peer) : await runMocha({ ...common, ...(variant.spec as VariantSpec) });
          results.get(variant.key)?.push(result);
          if (variant.key === 'parallel-plugin') defaultSuiteRun = readRunOutputs(path.join(suiteDir, '.mocha-isolation'));
          process.stdout.write(` ${(result.wallMs / 1000).toFixed(2)} s\n`);
        }
      }
    }
    const summaries: Record<string, VariantSummary> = {};
    for (const variant of variants) summaries[variant.key] = summarize(variant.key, variant.label, results.get(variant.key) ?? []);
    const figures: Figures = computeFigures(summaries, jobs, options.shape.trivialTests, options.shape.files);
    const pluginMemoryLines = (results.get('parallel-plugin')?.at(-1)?.stderr ?? '')
      .split('\n')
      .filter((line) => line.includes('peak RSS'));

    const machine = {
      cpus: jobs,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      node: process.version,
      mocha: readVersion('mocha'),
      platform: `${os.platform()} ${os.arch()}`,
    };
    const reportCost = defaultSuiteRun === undefined ? undefined : measureReportCost(defaultSuiteRun);
    const startup = defaultSuiteRun === undefined ? undefined : startupBreakdown(defaultSuiteRun.record);
    const report = {
      date: new Date().toISOString(),
      machine,
      shape: options.shape,
      runsPerVariant: options.runs,
      benchSeconds: (performance.now() - started) / 1000,
      figures,
      envCost,
      reportCost,
      startup,
      pluginMemoryLines,
    };
    fs.mkdirSync(path.dirname(options.json), { recursive: true });
    fs.writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`\n${formatReport(report)}\nJSON: ${path.relative(process.cwd(), options.json)}\n`);
  } finally {
    cleanUp();
  }
}

function readVersion(name: string): string {
  return (JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
