// Writes a file whole or not at all: under a temporary name, then renamed over the old one, so that a reader (the
// next run, a command, a second process writing the same file) never sees half of it. Runs in: any process.

import fs from 'node:fs';
import path from 'node:path';

export function writeWhole(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  try {
    fs.writeFileSync(partial, text);
    fs.renameSync(partial, file);
  } finally {
    fs.rmSync(partial, { force: true });
  }
}
