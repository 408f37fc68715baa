// Runs the real mocha CLI on a fixture project and reads its results from mocha's JSON reporter file.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const REPO = path.resolve(__dirname, '../../..');
/** The mocha a fixture runs under: this repository's (12), or an older major installed as an npm alias. */
export type MochaPackage = 'mocha' | 'mocha-11' | 'mocha-10';
const mochaBin = (name: MochaPackage = 'mocha'): string => path.join(REPO, 'node_modules', name, 'bin', 'mocha.js');

export interface FixtureOptions {
  mode: 'serial' | 'parallel';
  jobs?: number;
  plugin?: boolean;
  seed?: number;
  env?: Record<string, string>;
  /** Which mocha runs the fixture (default: this repository's). */
  mocha?: MochaPackage;
  /** Which node runs it (default: this process's; support/node-binaries.ts fetches others). */
  node?: string;
  /** A command that starts mocha, before mocha's path (e.g. nyc and its options, then node): run by node. */
  wrap?: string[];
  /** A copy of this repository to run the fixture from (support/native-sqlite.ts), instead of this one. */
  root?: string;
  args?: string[];
  /** A reporter file in the fixture instead of mocha's JSON reporter (the results are then empty). */
  reporter?: string;
  /** Sends a signal (SIGINT, Ctrl-C, unless `interruptWith` says otherwise) to mocha once a spec has written this file into FIXTURE_OUT. */
  interruptWhen?: string | string[];
  interruptWith?: NodeJS.Signals;
}

export interface FixtureTest {
  title: string;
  fullTitle: string;
  file: string;
  err: { message?: string };
}

export interface FixtureResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  passes: FixtureTest[];
  failures: FixtureTest[];
  /** Tests in the order they ended (per file, in parallel mode). */
  tests: FixtureTest[];
  /** What the run left in its temp folder (TMPDIR): must be empty. */
  leftovers: string[];
  outDir: string;
}

/** The plugin's variables and mocha's own are removed, so the outer run cannot leak into the fixture. */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    // npm_*: under `npm test` the outer run's script would read as the fixture's launcher.
    if (
      value === undefined ||
      key.startsWith('ISOLATION_') ||
      key.startsWith('MOCHA_') ||
      key.startsWith('npm_') ||
      ['NODE_OPTIONS', 'DEBUG'].includes(key)
    )
      continue;
    env[key] = value;
  }
  return env;
}

export function fixtureDir(name: string): string {
  return path.join(__dirname, '..', 'fixtures', name);
}

export async function runFixture(name: string, options: FixtureOptions): Promise<FixtureResult> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `fixture-${name}-`));
  const tmpdir = path.join(work, 'tmp');
  const outDir = path.join(work, 'out');
  fs.mkdirSync(tmpdir);
  fs.mkdirSync(outDir);
  const report = path.join(work, 'report.json');
  const modeArgs = options.mode === 'serial' ? ['--no-parallel'] : ['--parallel', '--jobs', String(options.jobs ?? 2)];
  const reporterArgs =
    options.reporter === undefined ? ['--reporter', 'json', '--reporter-option', `output=${report}`] : ['--reporter', options.reporter];
  const args = [...(options.wrap ?? []), mochaBin(options.mocha), ...modeArgs, ...reporterArgs, ...(options.args ?? [])];
  const env = {
    ...cleanEnv(),
    TMPDIR: tmpdir,
    FIXTURE_OUT: outDir,
    FIXTURE_PLUGIN: options.plugin === false ? 'off' : 'on',
    // Each run plans and records in its own cache, so fixture runs never reorder one another.
    ISOLATION_DURATIONS: path.join(work, 'durations.json'),
    ...(options.seed === undefined ? {} : { ISOLATION_SEED: String(options.seed) }),
    ...options.env,
  };
  const cwd = options.root === undefined ? fixtureDir(name) : path.join(options.root, 'test', 'plugin', 'fixtures', name);
  const child = spawn(options.node ?? process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  if (options.interruptWhen !== undefined) {
    const files = [options.interruptWhen].flat().map((name) => path.join(outDir, name));
    interruptWhen(child, files, options.interruptWith ?? 'SIGINT');
  }
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (c, s) => resolve([c, s])),
  );

  const parsed = fs.existsSync(report)
    ? (JSON.parse(fs.readFileSync(report, 'utf8')) as { tests: FixtureTest[]; passes: FixtureTest[]; failures: FixtureTest[] })
    : undefined;
  // ts-node keeps a compile cache in the temp folder on purpose; it is not the run's to remove.
  const leftovers = fs.readdirSync(tmpdir).filter((name) => !name.startsWith('v8-compile-cache'));
  const result: FixtureResult = {
    code,
    signal,
    stdout,
    stderr,
    passes: parsed?.passes ?? [],
    failures: parsed?.failures ?? [],
    tests: parsed?.tests ?? [],
    leftovers,
    outDir,
  };
  // The evidence folder is read by the caller right away; everything else goes now.
  fs.rmSync(tmpdir, { recursive: true, force: true });
  fs.rmSync(report, { force: true });
  return result;
}

function interruptWhen(child: ReturnType<typeof spawn>, files: string[], signal: NodeJS.Signals): void {
  const poll = setInterval(() => {
    if (!files.some((file) => fs.existsSync(file))) return;
    clearInterval(poll);
    child.kill(signal);
  }, 20);
  child.on('close', () => clearInterval(poll));
}

export function titles(tests: readonly FixtureTest[]): string[] {
  return tests.map((t) => t.title).sort();
}

export function removeWork(result: FixtureResult): void {
  fs.rmSync(path.dirname(result.outDir), { recursive: true, force: true });
}
