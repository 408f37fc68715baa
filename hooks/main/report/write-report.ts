// Writes the run report page at the end of a run (ISOLATION_REPORT: on by default, off, or a path). Runs in:
// main process (global teardown). The page replaces the last one by a rename, so it is never seen half written.

import { buildReportModel, type ReportInput } from './report-model';
import { renderReportPage } from './report-page';
import { writeWhole } from '../../shared/write-whole';

export interface WrittenReport {
  file: string;
  bytes: number;
  /** Time to build and write the page (ms). */
  ms: number;
}

export function writeRunReport(file: string, input: ReportInput): WrittenReport {
  const started = performance.now();
  const page = renderReportPage(buildReportModel(input));
  writeWhole(file, page);
  return { file, bytes: Buffer.byteLength(page), ms: performance.now() - started };
}
