// `npm run bench -- --peers`: the same synthetic suite under Vitest (threads and forks, isolation on and off) and
// Jest, installed on demand into the temp folder (never into the project's dependencies), with the same per-test
// reset (the rows a test wrote are deleted after it). Runs in: the benchmark process.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SyntheticSuite } from './synthetic-suite';

/** Pinned, so that figures compare run to run; the folder is kept between benchmarks (keyed by these). */
const PEERS = { vitest: '4.1.12', jest: '30.5.2', '@swc/jest': '0.2.39', '@swc/core': '1.16.22' };

export interface PeerCommand {
  key: string;
  label: string;
  /** The command, run in the suite's folder. */
  argv: string[];
  env: Record<string, string>;
}

export function installPeers(log: (line: string) => void): string {
  const folder = path.join(os.tmpdir(), `mocha-isolation-bench-peers-${Object.values(PEERS).join('-')}`);
  if (
    fs.existsSync(path.join(folder, 'node_modules', '.bin', 'vitest')) &&
    fs.existsSync(path.join(folder, 'node_modules', '.bin', 'jest'))
  )
    return folder;
  log(
    `bench: installing ${Object.entries(PEERS)
      .map(([name, version]) => `${name}@${version}`)
      .join(', ')} into ${folder}...`,
  );
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, 'package.json'), JSON.stringify({ name: 'bench-peers', private: true }));
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(
    npm,
    ['install', '--no-audit', '--no-fund', '--ignore-scripts', ...Object.entries(PEERS).map(([name, version]) => `${name}@${version}`)],
    { cwd: folder, stdio: 'inherit' },
  );
  return folder;
}

function specSource(runner: 'vitest' | 'jest', file: SyntheticSuite['plan'][number]): string {
  return `import { fileTimer, resetOwnDb, work } from '../../support/work';

const timer = fileTimer('${file.name}');

describe('${file.name}', () => {
  beforeAll(timer.start);
  afterAll(timer.end);
  afterEach(resetOwnDb);
  for (let i = 0; i < ${file.tests}; i++) it(\`test \${i}\`, () => work('${file.name}', i, ${file.cpuMs}));
});
// ${runner}
`;
}

/** Writes peers/vitest and peers/jest beside the suite's mocha specs, and each runner's config. */
export function writePeerSuites(suite: SyntheticSuite, peers: string, jobs: number): PeerCommand[] {
  for (const runner of ['vitest', 'jest'] as const) {
    const dir = path.join(suite.dir, 'peers', runner);
    fs.mkdirSync(dir, { recursive: true });
    for (const file of suite.plan) fs.writeFileSync(path.join(dir, `${file.name}.test.ts`), specSource(runner, file));
  }
  fs.writeFileSync(
    path.join(suite.dir, 'peers', 'vitest.config.mjs'),
    `export default { test: { root: ${JSON.stringify(suite.dir)}, include: ['peers/vitest/*.test.ts'], globals: true, maxWorkers: ${jobs}, fileParallelism: true, reporters: ['dot'], testTimeout: 120000 } };\n`,
  );
  const jestConfig = {
    rootDir: suite.dir,
    testMatch: ['<rootDir>/peers/jest/*.test.ts'],
    testEnvironment: 'node',
    transform: {
      '^.+\\.ts$': [
        path.join(peers, 'node_modules', '@swc/jest'),
        { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
      ],
    },
    maxWorkers: jobs,
    testTimeout: 120000,
  };
  fs.writeFileSync(path.join(suite.dir, 'peers', 'jest.config.json'), JSON.stringify(jestConfig));
  const vitest = path.join(peers, 'node_modules', 'vitest', 'vitest.mjs');
  const jest = path.join(peers, 'node_modules', 'jest', 'bin', 'jest.js');
  const config = path.join(suite.dir, 'peers', 'vitest.config.mjs');
  const commands: PeerCommand[] = [];
  for (const pool of ['threads', 'forks'] as const) {
    for (const isolate of [true, false]) {
      commands.push({
        key: `peer-vitest-${pool}-${isolate ? 'isolated' : 'shared'}`,
        label: `Vitest ${pool}, isolation ${isolate ? 'on' : 'off'}`,
        argv: [vitest, 'run', '--config', config, `--pool=${pool}`, `--isolate=${isolate}`],
        env: {},
      });
    }
  }
  commands.push({
    key: 'peer-jest',
    label: 'Jest (per-file module registry)',
    argv: [jest, '--config', path.join(suite.dir, 'peers', 'jest.config.json'), '--silent'],
    env: {},
  });
  return commands;
}
