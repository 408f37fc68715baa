// Writes the benchmark's synthetic mocha project into a temp folder: N spec files × M tests with real work per
// test (CPU, better-sqlite3 writes and reads, an async wait), a few files several times longer than the rest,
// and a trivial file of empty tests that isolates the per-test cost. The same sources run with the plugin and
// bare, under each transpiler, and precompiled to JS.

import fs from 'node:fs';
import path from 'node:path';

export interface SuiteShape {
  files: number;
  tests: number;
  /** How many files are slow, and how many times longer they take; the last of them takes slowestFactor. */
  slowFiles: number;
  slowFactor: number;
  slowestFactor: number;
  /** CPU milliseconds per test in an ordinary file. */
  cpuMs: number;
  trivialTests: number;
}

export interface SyntheticSuite {
  dir: string;
  /** Spec files in declared (sorted) order: the slow ones come last, the unlucky order. */
  specFiles: string[];
  slowSpecFiles: string[];
  /** Each spec file's name, tests and CPU per test, for writing the same suite for other runners. */
  plan: Array<{ name: string; tests: number; cpuMs: number }>;
  trivialFile: string;
  /** The trivial file's tests, each leaving a changed variable behind: the leak report's cost with leaks. */
  leakyFile: string;
  /** One empty test: the fixed cost of a run, subtracted to get the cost per test. */
  oneTestFile: string;
}

const SCHEMA = `CREATE TABLE events (id INTEGER PRIMARY KEY, file TEXT NOT NULL, test INTEGER NOT NULL, payload TEXT NOT NULL);
CREATE INDEX events_by_file ON events (file);
`;

// The helper every spec calls. With the plugin it uses the worker database the plugin hands out (emptied
// after each test); bare, it opens one WAL file per process, as a hand-rolled suite would.
const WORK_HELPER = `import fs from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import Database from 'better-sqlite3';

// Vitest's threads pool runs files in worker threads of one process: names carry the thread as well.
const me = \`\${process.pid}-\${threadId}\`;

const spinPerMs = Number(process.env.BENCH_SPIN_PER_MS);
const probeDir = process.env.BENCH_PROBE_DIR as string;
// On the process, not in this module: with fresh modules per file (ISOLATION_MODULES=file) this module is loaded
// again for every spec file, and the figures must cover the whole process.
type Stats = { pid: number; firstTestAt: number; maxRssKb: number; cpuUs: number; files: Record<string, number> };
const holder = process as unknown as { benchStats?: Stats };
const stats: Stats = (holder.benchStats ??= { pid: process.pid, firstTestAt: 0, maxRssKb: 0, cpuUs: 0, files: {} });
let ownDb: Database.Database | undefined;

function database(): Database.Database {
  if (process.env.BENCH_PLUGIN === 'on') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the plugin entry the bench run names, at run time
    return require(process.env.BENCH_PLUGIN_ENTRY as string).workerDb();
  }
  if (ownDb === undefined) {
    ownDb = new Database(path.join(process.env.BENCH_DB_DIR as string, \`bare-\${me}.sqlite\`));
    ownDb.pragma('journal_mode = WAL');
    ownDb.pragma('synchronous = OFF');
    ownDb.exec('CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, file TEXT NOT NULL, test INTEGER NOT NULL, payload TEXT NOT NULL)');
  }
  return ownDb;
}

/** A fixed amount of CPU work (calibrated by the benchmark), not a fixed time: contention must show. */
function spin(ms: number): number {
  let x = 0;
  const n = Math.round(ms * spinPerMs);
  for (let i = 0; i < n; i++) x = (x * 31 + i) | 0;
  return x;
}

/** The other runners' equivalent of the plugin's reset after each test: every row the test wrote goes. */
export function resetOwnDb(): void {
  ownDb?.exec('DELETE FROM events');
}

export function markFirstTest(): void {
  if (stats.firstTestAt === 0) stats.firstTestAt = performance.timeOrigin + performance.now();
}

export async function work(file: string, test: number, cpuMs: number): Promise<void> {
  markFirstTest();
  const db = database();
  db.prepare('INSERT INTO events (file, test, payload) VALUES (?, ?, ?)').run(file, test, String(spin(cpuMs)));
  db.prepare('SELECT count(*) AS n FROM events WHERE file = ?').get(file);
  await new Promise((resolve) => setTimeout(resolve, 1));
}

export function fileTimer(file: string): { start(): void; end(): void } {
  let started = 0;
  return {
    start: () => void (started = performance.now()),
    end: () => {
      stats.files[file] = performance.now() - started;
      stats.maxRssKb = process.resourceUsage().maxRSS;
      const cpu = process.cpuUsage();
      stats.cpuUs = cpu.user + cpu.system;
      // One probe per file: Jest gives every test file its own \`process\` object, so nothing outlives a file.
      fs.writeFileSync(path.join(probeDir, \`\${me}-\${file}.json\`), JSON.stringify(stats));
    },
  };
}
`;

function specSource(name: string, tests: number, cpuMs: number): string {
  return `import { fileTimer, work } from '../support/work';

const timer = fileTimer('${name}');

describe('${name}', () => {
  before(timer.start);
  after(timer.end);
  for (let i = 0; i < ${tests}; i++) it(\`test \${i}\`, () => work('${name}', i, ${cpuMs}));
});
`;
}

/** Empty tests; with `leaky`, each changes a variable and leaves it (the leak report's cost with leaks). */
function trivialSource(tests: number, leaky = false): string {
  const name = leaky ? 'leaky' : 'trivial';
  const body = leaky ? '() => { markFirstTest(); process.env.BENCH_LEAKED_TOKEN = String(i); }' : 'markFirstTest';
  return `import { fileTimer, markFirstTest } from '../support/work';

const timer = fileTimer('${name}');

describe('${name}', () => {
  before(timer.start);
  after(timer.end);
  for (let i = 0; i < ${tests}; i++) it(\`${leaky ? 'leaks' : 'empty'} \${i}\`, ${body});
});
`;
}

// One config for every variant, chosen through BENCH_* variables set by the benchmark for each run.
const MOCHARC = `const transpiler = process.env.BENCH_TRANSPILER;
const REGISTER = { 'swc-register': ['@swc/register'], 'ts-node-swc': ['ts-node/register'], 'ts-node-transpile-only': ['ts-node/register'], 'ts-node': ['ts-node/register'], js: [] };
const js = transpiler === 'js';
const spec = process.env.BENCH_SPEC.split(',').map((s) => (js ? 'js/' + s.replace(/\\.ts$/, '.js') : s));
const base = { spec, extension: [js ? 'js' : 'ts'], reporter: 'dot', timeout: 120000, require: REGISTER[transpiler] };
if (process.env.BENCH_PLUGIN !== 'on') {
  module.exports = base;
} else {
  const { defineConfig } = require(process.env.BENCH_PLUGIN_ENTRY + '/mocharc.js');
  module.exports = defineConfig({ ...base, require: [...base.require, process.env.BENCH_PLUGIN_ENTRY], isolation: { schema: 'schema.sql' } });
}
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'commonjs',
    strict: true,
    esModuleInterop: true,
    skipLibCheck: true,
    types: ['mocha', 'node'],
  },
  include: ['spec', 'support', 'trivial'],
};

export function writeSyntheticSuite(dir: string, shape: SuiteShape, repo: string): SyntheticSuite {
  for (const sub of ['spec', 'support', 'trivial', 'probe', 'db']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
  // Packages resolve from the repo's own install, as in a project that has them as dependencies.
  fs.symlinkSync(path.join(repo, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'bench-suite', private: true }));
  const swcrc = JSON.parse(fs.readFileSync(path.join(repo, '.swcrc'), 'utf8')) as Record<string, unknown>;
  delete swcrc.$schema; // a key of the file format, not an option transformSync accepts
  fs.writeFileSync(path.join(dir, '.swcrc'), JSON.stringify(swcrc));
  fs.writeFileSync(path.join(dir, '.mocharc.cjs'), MOCHARC);
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
  fs.writeFileSync(path.join(dir, 'tsconfig.swc.json'), JSON.stringify({ extends: './tsconfig.json', 'ts-node': { swc: true } }));
  fs.writeFileSync(path.join(dir, 'schema.sql'), SCHEMA);
  fs.writeFileSync(path.join(dir, 'support', 'work.ts'), WORK_HELPER);

  const specFiles: string[] = [];
  const slowSpecFiles: string[] = [];
  const plan: SyntheticSuite['plan'] = [];
  const digits = String(shape.files - 1).length;
  for (let i = 0; i < shape.files; i++) {
    const name = `file-${String(i).padStart(digits, '0')}`;
    const slow = i >= shape.files - shape.slowFiles;
    const factor = !slow ? 1 : i === shape.files - 1 ? shape.slowestFactor : shape.slowFactor;
    const file = `spec/${name}.spec.ts`;
    fs.writeFileSync(path.join(dir, file), specSource(name, shape.tests, shape.cpuMs * factor));
    plan.push({ name, tests: shape.tests, cpuMs: shape.cpuMs * factor });
    specFiles.push(file);
    if (slow) slowSpecFiles.push(file);
  }
  const trivialFile = 'trivial/trivial.spec.ts';
  fs.writeFileSync(path.join(dir, trivialFile), trivialSource(shape.trivialTests));
  const leakyFile = 'trivial/leaky.spec.ts';
  fs.writeFileSync(path.join(dir, leakyFile), trivialSource(shape.trivialTests, true));
  const oneTestFile = 'trivial/one.spec.ts';
  fs.writeFileSync(path.join(dir, oneTestFile), trivialSource(1));
  return { dir, specFiles, slowSpecFiles, plan, trivialFile, leakyFile, oneTestFile };
}

/**
 * The built plugin placed as npm installs it, under a node_modules folder (its dependencies resolve from the
 * suite's node_modules, the repo's), so register hooks skip it as they skip every installed package: run from
 * the repo's dist/, @swc/register compiled the plugin's files again in every process. Returns its entry.
 */
export function installPlugin(dir: string, repo: string): string {
  const pkg = path.join(dir, 'plugin', 'node_modules', 'mocha-isolation');
  fs.mkdirSync(pkg, { recursive: true });
  fs.copyFileSync(path.join(repo, 'package.json'), path.join(pkg, 'package.json'));
  fs.cpSync(path.join(repo, 'dist', 'hooks'), path.join(pkg, 'dist', 'hooks'), { recursive: true });
  return path.join(pkg, 'dist', 'hooks');
}

/** The floor: the same sources compiled once to JavaScript (with swc, as the register hook would). */
export function precompile(suite: SyntheticSuite): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when the bench precompiles
  const swc = require('@swc/core') as typeof import('@swc/core');
  const options = JSON.parse(fs.readFileSync(path.join(suite.dir, '.swcrc'), 'utf8')) as import('@swc/core').Options;
  for (const sub of ['spec', 'support', 'trivial']) {
    fs.mkdirSync(path.join(suite.dir, 'js', sub), { recursive: true });
    for (const name of fs.readdirSync(path.join(suite.dir, sub))) {
      const source = fs.readFileSync(path.join(suite.dir, sub, name), 'utf8');
      const { code } = swc.transformSync(source, { ...options, swcrc: false, sourceMaps: false, filename: name });
      fs.writeFileSync(path.join(suite.dir, 'js', sub, name.replace(/\.ts$/, '.js')), code);
    }
  }
}
