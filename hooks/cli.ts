#!/usr/bin/env node
// The `mocha-isolation` command. Runs in: its own process, outside any mocha run.

import path from 'node:path';
import { DEFAULT_DURATIONS_FILE, ENV } from './config';
import { mergeShardDurations } from './main/shard-durations';

const USAGE = `Usage: mocha-isolation merge-durations [cache-file]

  Folds the durations that ISOLATION_SHARD runs recorded next to the duration cache
  (durations.shard-<i>-of-<n>.json) into the cache, and removes them. The cache file is
  ${ENV.durations} if set, else ${DEFAULT_DURATIONS_FILE}.`;

function main(argv: string[]): number {
  const [command, file] = argv;
  if (command !== 'merge-durations') {
    process.stderr.write(`${command === undefined ? '' : `"${command}" is not a mocha-isolation command.\n`}${USAGE}\n`);
    return command === undefined || command === '--help' ? 0 : 2;
  }
  const cache = path.resolve(file ?? process.env[ENV.durations] ?? DEFAULT_DURATIONS_FILE);
  const merged = mergeShardDurations(cache, process.cwd(), (line) => process.stderr.write(`${line}\n`));
  process.stderr.write(
    merged.length === 0 ? `mocha-isolation: no shard durations next to ${cache}; nothing to merge.\n` : `mocha-isolation: merged ${merged.length} shard file(s) into ${cache}.\n`,
  );
  return 0;
}

process.exitCode = main(process.argv.slice(2));
