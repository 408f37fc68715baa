// The report page's section for a merge of CI shards (`mocha-isolation merge`). Runs in: the merge command. Pure.

import { escapeHtml, seconds, table } from './html';
import type { ReportModel } from './report-model';

/** A merge of CI shards: each job's time, the slowest over the mean, and any shard that never reported. */
export function shardBalance(model: ReportModel): string {
  if (model.shards === undefined) return '';
  const { jobs, missing } = model.shards;
  const walls = jobs.map((job) => job.wallMs);
  const mean = walls.reduce((sum, ms) => sum + ms, 0) / Math.max(1, walls.length);
  const slowest = Math.max(0, ...walls);
  const balance =
    mean === 0
      ? ''
      : ` Balance: the slowest job took ${escapeHtml((slowest / mean).toFixed(2))}× the mean (${escapeHtml(seconds(slowest))} against ${escapeHtml(seconds(mean))}).`;
  const rows = jobs.map((job) => [
    `shard ${job.index}`,
    escapeHtml(seconds(job.wallMs)),
    job.expectedMs === undefined ? '' : escapeHtml(seconds(job.expectedMs)),
  ]);
  const lost = missing
    .map(
      (shard) =>
        `<p><strong>Shard ${shard.index} never reported</strong>: its ${shard.files.length} files did not run here (${shard.files.slice(0, 20).map(escapeHtml).join(', ')}${shard.files.length > 20 ? ', …' : ''}).</p>`,
    )
    .join('');
  return `<section aria-labelledby="shards"><h2 id="shards">Shards</h2>${lost}<p>${jobs.length} jobs merged.${balance}</p>${table('Each job', ['shard', 'took', 'expected'], rows)}</section>`;
}
