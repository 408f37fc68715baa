// Runs mocha once on the synthetic suite and measures it from outside: wall time, CPU of the whole process tree,
// and what each process's probe wrote (first test, per-file time, peak RSS). Runs in: the benchmark process.

import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export type Transpiler = 'swc-register' | 'ts-node-swc' | 'ts-node-transpile-only' | 'ts-node' | 'js';

export interface RunSpec {
  suiteDir: string;
  mochaBin: string;
  pluginEntry: string;
  mode: 'serial' | 'parallel';
  jobs: number;
  plugin: boolean;
  transpiler: Transpiler;
  /** Globs for the config's spec list, or files named on the command line (mocha keeps their order). */
  spec: { config: string } | { cli: string[] };
  env?: Record<string, string>;
  spinPerMs: number;
}

export interface ProcessProbe {
  pid: number;
  firstTestAt: number;
  maxRssKb: number;
  cpuUs: number;
  files: Record<string, number>;
}

export interface RunResult {
  wallMs: number;
  /** User + system CPU of mocha and every worker it forked and reaped; undefined where /proc is missing. */
  cpuMs: number | undefined;
  /** From the start of the mocha command to the first test body in any process. */
  firstTestMs: number;
  /** Per spec file: time from its `before` to its `after` hook. */
  fileMs: Record<string, number>;
  processes: ProcessProbe[];
  stdout: string;
  /** The plugin's lines (seed, memory) go to stderr. */
  stderr: string;
}

const CLOCK_TICKS = readClockTicks();

function readClockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

/** CPU time of this process's reaped children (and theirs), from /proc: Node has no API for it. */
function childrenCpuMs(): number | undefined {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command name: state is field 3, so cutime and cstime (fields 16 and 17) are at 13 and 14.
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

export async function runMocha(run: RunSpec): Promise<RunResult> {
  const probeDir = path.join(run.suiteDir, 'probe');
  fs.rmSync(probeDir, { recursive: true, force: true });
  fs.mkdirSync(probeDir);
  const modeArgs = run.mode === 'serial' ? ['--no-parallel'] : ['--parallel', '--jobs', String(run.jobs)];
  const cliFiles =
    'cli' in run.spec ? run.spec.cli.map((file) => (run.transpiler === 'js' ? `js/${file.replace(/\.ts$/, '.js')}` : file)) : [];
  const env: Record<string, string> = {
    ...cleanEnv(),
    TMPDIR: path.join(run.suiteDir, 'tmp'),
    BENCH_TRANSPILER: run.transpiler,
    BENCH_SPEC: 'config' in run.spec ? run.spec.config : '',
    BENCH_PLUGIN: run.plugin ? 'on' : 'off',
    BENCH_PLUGIN_ENTRY: run.pluginEntry,
    BENCH_PROBE_DIR: probeDir,
    BENCH_DB_DIR: path.join(run.suiteDir, 'db'),
    BENCH_SPIN_PER_MS: String(run.spinPerMs),
    ...(run.transpiler.startsWith('ts-node')
      ? { TS_NODE_PROJECT: run.transpiler === 'ts-node-swc' ? 'tsconfig.swc.json' : 'tsconfig.json' }
      : {}),
    ...(run.transpiler === 'ts-node-transpile-only' ? { TS_NODE_TRANSPILE_ONLY: 'true' } : {}),
    ...run.env,
  };
  fs.mkdirSync(env.TMPDIR as string, { recursive: true });
  return measureRun([run.mochaBin, ...modeArgs, ...cliFiles], run.suiteDir, env, probeDir, describe(run));
}

/** The common environment of every run on the suite: where the probes, databases and temp files go. */
export function suiteEnv(
  suiteDir: string,
  spinPerMs: number,
  extra: Record<string, string> = {},
): { env: Record<string, string>; probeDir: string } {
  const probeDir = path.join(suiteDir, 'probe');
  fs.rmSync(probeDir, { recursive: true, force: true });
  fs.mkdirSync(probeDir);
  const env = {
    ...cleanEnv(),
    TMPDIR: path.join(suiteDir, 'tmp'),
    BENCH_PLUGIN: 'off',
    BENCH_PROBE_DIR: probeDir,
    BENCH_DB_DIR: path.join(suiteDir, 'db'),
    BENCH_SPIN_PER_MS: String(spinPerMs),
    ...extra,
  };
  fs.mkdirSync(env.TMPDIR, { recursive: true });
  return { env, probeDir };
}

/** Runs `node argv…` in `cwd` and measures it from outside; the probes in `probeDir` say the rest. */
export async function measureRun(
  argv: string[],
  cwd: string,
  env: Record<string, string>,
  probeDir: string,
  what: string,
): Promise<RunResult> {
  const cpuBefore = childrenCpuMs();
  const started = performance.timeOrigin + performance.now();
  const child = spawn(process.execPath, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  current = child;
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const wallMs = performance.timeOrigin + performance.now() - started;
  current = undefined;
  const cpuAfter = childrenCpuMs();
  if (code !== 0) throw new Error(`${what} exited with ${code}:\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`);

  // A probe per file and process (and thread): merged per process here.
  const byProcess = new Map<number, ProcessProbe>();
  for (const name of fs.readdirSync(probeDir)) {
    const probe = JSON.parse(fs.readFileSync(path.join(probeDir, name), 'utf8')) as ProcessProbe;
    const seen = byProcess.get(probe.pid);
    if (seen === undefined) byProcess.set(probe.pid, { ...probe, files: { ...probe.files } });
    else {
      if (probe.firstTestAt > 0 && (seen.firstTestAt === 0 || probe.firstTestAt < seen.firstTestAt)) seen.firstTestAt = probe.firstTestAt;
      seen.maxRssKb = Math.max(seen.maxRssKb, probe.maxRssKb);
      seen.cpuUs = Math.max(seen.cpuUs, probe.cpuUs);
      Object.assign(seen.files, probe.files);
    }
  }
  const processes = [...byProcess.values()];
  const fileMs: Record<string, number> = {};
  for (const probe of processes) Object.assign(fileMs, probe.files);
  const firstTest = Math.min(...processes.map((p) => p.firstTestAt).filter((at) => at > 0));
  return {
    wallMs,
    cpuMs: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
    firstTestMs: firstTest - started,
    fileMs,
    processes,
    stdout,
    stderr,
  };
}

let current: ReturnType<typeof spawn> | undefined;

/** For Ctrl-C: the run in progress is stopped before the suite folder is removed. */
export function stopCurrentRun(): void {
  current?.kill('SIGINT');
}

export function describe(run: RunSpec): string {
  return `${run.mode}, ${run.plugin ? 'plugin' : 'bare'}, ${run.transpiler}`;
}

/** The benchmark's own environment must not leak into the runs it measures. */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^(ISOLATION_|MOCHA_|TS_NODE_|BENCH_)/.test(key) || key === 'NODE_OPTIONS') continue;
    env[key] = value;
  }
  return env;
}
