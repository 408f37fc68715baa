// Writes the run report page at the end of a run (ISOLATION_REPORT: on by default, off, or a path). Runs in:
// main process (global teardown). The page replaces the last one by a rename, so it is never seen half written.

import fs from 'node:fs';
import path from 'node:path';
import { buildReportModel, type ReportInput } from './report-model';
import { renderReportPage } from './report-page';

export interface WrittenReport {
  file: string;
  bytes: number;
  /** Time to build and write the page (ms). */
  ms: number;
}

export function writeRunReport(file: string, input: ReportInput): WrittenReport {
  const started = performance.now();
  const page = renderReportPage(buildReportModel(input));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  try {
    fs.writeFileSync(partial, page);
    fs.renameSync(partial, file);
  } finally {
    fs.rmSync(partial, { force: true });
  }
  return { file, bytes: Buffer.byteLength(page), ms: performance.now() - started };
}
