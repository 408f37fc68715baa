// Headless Chromium for the run report's test: Debian's `chromium` package (CHROMIUM_PATH to use another).
// The flags are the ones this machine needs: no sandbox as root, and no background networking (the network is
// closed, and Chromium would try it at every start).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((file) => fs.existsSync(file));

function chromium(args: string[]): { stdout: string; status: number | null } {
  if (CHROMIUM === undefined) throw new Error('Chromium is not installed: apt-get install chromium (or set CHROMIUM_PATH).');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-profile-'));
  try {
    const run = spawnSync(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${profile}`,
        ...args,
      ],
      { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
    );
    return { stdout: run.stdout, status: run.status };
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

/** The page's DOM after its scripts ran, at a window size. */
export function renderedDom(page: string, width = 1280, height = 800): string {
  return chromium([`--window-size=${width},${height}`, '--virtual-time-budget=2000', '--dump-dom', `file://${page}`]).stdout;
}

export function screenshot(page: string, png: string, width = 1280, height = 800): void {
  fs.mkdirSync(path.dirname(png), { recursive: true });
  chromium([`--window-size=${width},${height}`, `--screenshot=${png}`, `file://${page}`]);
}
