// The run report as one self-contained HTML page: no server, no network, no external assets; opens from disk.
// Runs in: main process (global teardown), or the bench. The timeline is SVG written here, so the page shows
// without scripts; the script only adds the detail line on hover and focus.
//
// Accessible: every bar is focusable with a text label (the page's text alternative for the picture), states
// are told apart by pattern as well as colour (Okabe–Ito colours, which survive the common colour blindnesses),
// and the layout reflows from 1280 px down to a phone's width.

import { LEAK_CATEGORIES } from '../../shared/leak-report';
import { escapeHtml, seconds, table } from './html';
import type { ReportBar, ReportModel } from './report-model';
import { shardBalance } from './shard-section';

const WIDTH = 1000;
const LABEL = 90;
const LANE = 26;
const BAR = 18;
const AXIS = 22;
const LEAKS_SHOWN = 50;

function barLabel(bar: ReportBar): string {
  const state = bar.failed > 0 ? `${bar.failed} failed` : bar.pending === bar.tests && bar.tests > 0 ? 'pending' : 'all passed';
  return `${bar.file}: ${seconds(bar.ms)} from ${seconds(bar.start)}, ${bar.tests} tests, ${state}`;
}

function timeline(model: ReportModel): string {
  const span = Math.max(model.wallMs, model.lowerBoundMs, model.lastFileEndMs, 1);
  const x = (ms: number): number => Math.round((LABEL + (ms / span) * (WIDTH - LABEL - 10)) * 10) / 10;
  const height = AXIS + model.lanes.length * LANE + 8;
  const parts: string[] = [];
  parts.push(
    `<svg class="timeline" viewBox="0 0 ${WIDTH} ${height}" role="group" aria-label="Schedule: one lane per worker, one bar per spec file">`,
    '<defs><pattern id="idle" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#f2f2f2"/><line x1="0" y1="0" x2="0" y2="6" stroke="#d0d0d0" stroke-width="2"/></pattern>',
    '<pattern id="failing" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)"><rect width="6" height="6" fill="#D55E00"/><line x1="0" y1="0" x2="0" y2="6" stroke="#7a3300" stroke-width="2"/></pattern></defs>',
  );
  for (let s = 0; s <= 10; s++) {
    const ms = (span * s) / 10;
    const anchor = s === 0 ? 'start' : s === 10 ? 'end' : 'middle';
    parts.push(`<text class="tick" x="${x(ms)}" y="12" text-anchor="${anchor}">${escapeHtml(seconds(ms))}</text>`);
  }
  model.lanes.forEach((lane, index) => {
    const y = AXIS + index * LANE;
    parts.push(`<g class="lane" role="list" aria-label="${escapeHtml(`${lane.label}: ${lane.bars.length} files`)}">`);
    parts.push(`<text class="lane-label" x="4" y="${y + BAR - 4}">${escapeHtml(lane.label)}</text>`);
    parts.push(`<rect class="idle" x="${x(0)}" y="${y}" width="${x(model.wallMs) - x(0)}" height="${BAR}"><title>idle</title></rect>`);
    for (const bar of lane.bars) {
      const kind = bar.failed > 0 ? 'f' : bar.pending === bar.tests && bar.tests > 0 ? 'p' : 'ok';
      const width = Math.max(0.6, x(bar.start + bar.ms) - x(bar.start));
      parts.push(
        `<rect class="bar ${kind}" role="listitem" tabindex="0" x="${x(bar.start)}" y="${y}" width="${Math.round(width * 10) / 10}" height="${BAR}" aria-label="${escapeHtml(barLabel(bar))}"/>`,
      );
    }
    parts.push('</g>');
  });
  parts.push(
    `<line class="lb" x1="${x(model.lowerBoundMs)}" x2="${x(model.lowerBoundMs)}" y1="${AXIS - 4}" y2="${height - 2}"><title>lower bound ${escapeHtml(seconds(model.lowerBoundMs))}</title></line>`,
  );
  parts.push(
    `<line class="end" x1="${x(model.wallMs)}" x2="${x(model.wallMs)}" y1="${AXIS - 4}" y2="${height - 2}"><title>end of the run ${escapeHtml(seconds(model.wallMs))}</title></line>`,
  );
  parts.push('</svg>');
  return parts.join('');
}

function command(label: string, text: string | undefined): string {
  if (text === undefined) return '';
  return `<div class="command"><span>${escapeHtml(label)}</span><pre><code>${escapeHtml(text)}</code></pre><button type="button" class="copy">Copy</button></div>`;
}

function memory(model: ReportModel): string {
  const points = model.lanes.flatMap((lane) => lane.memory.map(([, mb]) => mb));
  if (points.length === 0) return '';
  const top = Math.max(...points) * 1.1;
  const span = Math.max(model.wallMs, 1);
  const lines = model.lanes
    .filter((lane) => lane.memory.length > 0)
    .map((lane, i) => {
      const path = lane.memory.map(([ms, mb]) => `${Math.round((ms / span) * 980 + 10)},${Math.round(110 - (mb / top) * 100)}`).join(' ');
      const peak = Math.max(...lane.memory.map(([, mb]) => mb));
      return `<polyline class="mem m${i % 4}" points="${path}"><title>${escapeHtml(`${lane.label}: peak ${peak} MB`)}</title></polyline>`;
    });
  const summary = model.lanes
    .map((lane) => `${lane.label} ${lane.memory.length === 0 ? '—' : `${Math.max(...lane.memory.map(([, mb]) => mb))} MB`}`)
    .join(', ');
  return `<section aria-labelledby="memory"><h2 id="memory">Memory</h2><p>Resident memory of each worker after each file (peak: ${escapeHtml(summary)}).</p><svg class="memory" viewBox="0 0 1000 120" role="img" aria-label="${escapeHtml(`Memory after each file: ${summary}`)}">${lines.join('')}</svg></section>`;
}

/** The two sides of an assertion, line by line, the lines that differ marked (with a sign, not only colour). */
function diff(expected: string, actual: string): string {
  const want = expected.split('\n');
  const got = actual.split('\n');
  const side = (lines: string[], other: string[], sign: string): string =>
    lines.map((line, i) => (line === other[i] ? `  ${escapeHtml(line)}` : `<mark>${sign} ${escapeHtml(line)}</mark>`)).join('\n');
  return `<div class="diff"><div><h4>expected</h4><pre>${side(want, got, '+')}</pre></div><div><h4>actual</h4><pre>${side(got, want, '-')}</pre></div></div>`;
}

/** First on the page: each failure with its message, its diff and its stack (folded), then the commands. */
function failuresSection(model: ReportModel): string {
  const details = model.failureDetails ?? [];
  const count = model.failureCount ?? model.failures.length;
  const commands = `${command('Reproduce', model.commands.reproduce)}${command('Replay exactly', model.commands.replay)}${command('Find a polluter', model.commands.bisect)}`;
  if (count === 0 && model.dropped === 0 && model.lost.length === 0)
    return `<section aria-labelledby="failures"><h2 id="failures">Failures</h2><p>None.</p>${command('Reproduce', model.commands.reproduce)}</section>`;
  const items =
    details.length > 0
      ? details
          .map(
            (failure) =>
              `<article class="failure"><h3>${escapeHtml(failure.title)}</h3><p class="where">${escapeHtml(failure.file)}</p><pre class="message">${escapeHtml(failure.message)}</pre>` +
              (failure.expected !== undefined && failure.actual !== undefined ? diff(failure.expected, failure.actual) : '') +
              (failure.stack === undefined ? '' : `<details><summary>Stack</summary><pre>${escapeHtml(failure.stack)}</pre></details>`) +
              '</article>',
          )
          .join('')
      : table(
          'Failed tests',
          ['test', 'file', 'lane'],
          model.failures.map((f) => [escapeHtml(f.title), escapeHtml(f.file), escapeHtml(f.lane)]),
        );
  const more =
    details.length > 0 && count > details.length
      ? `<p>${count - details.length} more failures: the terminal and the JUnit file list them all.</p>`
      : '';
  return (
    `<section aria-labelledby="failures" class="failures"><h2 id="failures">Failures (${count})</h2>${items}${more}` +
    (model.dropped > 0 ? `<p>${model.dropped} tests did not run because a hook failed (counted as failed).</p>` : '') +
    (model.lost.length > 0
      ? `<p>Tests loaded but never reported:</p><ul>${model.lost.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>`
      : '') +
    `${commands}</section>`
  );
}

export function renderReportPage(model: ReportModel): string {
  const ratio = model.wallMs / Math.max(1, model.lowerBoundMs);
  const files = model.lanes.reduce((sum, lane) => sum + lane.bars.length, 0);
  const { passed, failed, pending } = model.totals;
  // Per category, the first LEAKS_SHOWN leftovers (a suite that writes rows in every test would fill pages);
  // the JSON file beside the page has them all.
  let hidden = 0;
  const leaks = LEAK_CATEGORIES.flatMap((category) => {
    const found = model.leaks.filter((leak) => leak.category === category);
    hidden += Math.max(0, found.length - LEAKS_SHOWN);
    return found
      .slice(0, LEAKS_SHOWN)
      .map((leak) => [
        escapeHtml(category),
        escapeHtml(leak.test),
        escapeHtml(leak.file),
        escapeHtml(leak.worker),
        escapeHtml(leak.detail),
      ]);
  });
  const unlucky = model.busiestLaneMs - model.longestFirstMs;
  const sections = [
    `<header><h1>Test run, seed ${model.seed}</h1><p class="summary"><strong>${passed}</strong> passed, <strong>${failed}</strong> failed, <strong>${pending}</strong> pending · ${files} files on ${model.lanes.length} ${model.lanes.length === 1 ? 'lane' : 'lanes'} · wall ${escapeHtml(seconds(model.wallMs))} · lower bound ${escapeHtml(seconds(model.lowerBoundMs))} · <strong>wall / LB ${ratio.toFixed(2)}</strong></p><p class="order">${escapeHtml(model.order)}</p></header>`,
    failuresSection(model),
    `<section aria-labelledby="schedule"><h2 id="schedule">Schedule</h2><p class="legend"><span class="key ok"></span> file, all passed <span class="key f"></span> file with failures <span class="key p"></span> pending <span class="key idle"></span> idle <span class="key lb"></span> lower bound (first test + max(file time / lanes, longest file))</p><div class="scroll">${timeline(model)}</div><p id="detail" aria-live="polite">Point at or focus a bar (Tab) for its file.</p></section>`,
    `<section aria-labelledby="slow"><h2 id="slow">What slowed the run</h2><p>Files took ${escapeHtml(seconds(model.totalFileMs))} in all; the first test started after ${escapeHtml(seconds(model.firstTestMs))}; the longest file took ${escapeHtml(seconds(model.longestFile?.ms ?? 0))}; the lanes spent ${escapeHtml(seconds(model.betweenFilesMs))} between files (loading the next one, or waiting). The busiest lane ran ${escapeHtml(seconds(model.busiestLaneMs))} of files; dealt longest first (the duration cache's order) it would have run ${escapeHtml(seconds(model.longestFirstMs))}${unlucky > 0.5 ? ` (${escapeHtml(seconds(unlucky))} lost to the order)` : ''}.</p>` +
      table(
        'Longest files',
        ['file', 'lane', 'time', 'started at'],
        model.longestFiles.map((bar) => [
          escapeHtml(bar.file),
          escapeHtml(model.lanes.find((lane) => lane.bars.includes(bar))?.label ?? ''),
          escapeHtml(seconds(bar.ms)),
          escapeHtml(seconds(bar.start)),
        ]),
      ) +
      table(
        'Longest tests',
        ['test', 'file', 'time'],
        model.longestTests.map((test) => [escapeHtml(test.title), escapeHtml(test.file), escapeHtml(seconds(test.ms))]),
      ) +
      table(
        'Files that started last',
        ['file', 'started at', 'time'],
        model.lastStarted.map((bar) => [escapeHtml(bar.file), escapeHtml(seconds(bar.start)), escapeHtml(seconds(bar.ms))]),
      ) +
      '</section>',
    `<section aria-labelledby="leaks"><h2 id="leaks">Leaks</h2>${
      leaks.length === 0
        ? '<p>No test left anything behind.</p>'
        : table(`${model.leaks.length} leftovers, by category`, ['category', 'test', 'file', 'worker', 'what'], leaks) +
          (hidden > 0
            ? `<p>${hidden} more (at most ${LEAKS_SHOWN} per category are shown here): all of them are in leaks.json beside this page.</p>`
            : '')
    }</section>`,
    model.shard === undefined
      ? ''
      : `<section aria-labelledby="shards"><h2 id="shards">Shard ${model.shard.index} of ${model.shard.total}</h2><p>Expected from the duration cache: ${model.shard.expectedMs.map((ms, i) => `${i + 1 === model.shard?.index ? '<strong>' : ''}shard ${i + 1}: ${escapeHtml(seconds(ms))}${i + 1 === model.shard?.index ? '</strong>' : ''}`).join(', ')}; this one took ${escapeHtml(seconds(model.totalFileMs))} of file time.</p>${table(
          "This shard's files",
          ['file', 'expected'],
          model.shard.files.map(([file, ms]) => [escapeHtml(file), Number.isNaN(ms) ? 'not timed yet' : escapeHtml(seconds(ms))]),
        )}</section>`,
    shardBalance(model),
    memory(model),
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Test run, seed ${model.seed}</title><style>${STYLE}</style></head>
<body><main>${sections.join('\n')}</main><script>${SCRIPT}</script></body></html>
`;
}

const STYLE = `body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1a1a1a;background:#fff}main{max-width:1240px;margin:0 auto;padding:16px}
h1{font-size:1.4em;margin:.2em 0}h2{font-size:1.15em;margin:1.4em 0 .4em}.summary{font-size:1.05em}.order{color:#555}
svg.timeline{width:100%;height:auto;display:block}.tick{font-size:10px;fill:#555}.lane-label{font-size:11px;fill:#1a1a1a}
.idle{fill:url(#idle)}.bar{stroke:#fff;stroke-width:.5}.bar.ok{fill:#0072B2}.bar.f{fill:url(#failing)}.bar.p{fill:#999}
.bar:focus,.bar:hover{outline:none;stroke:#000;stroke-width:2}.lb{stroke:#000;stroke-dasharray:4 3;stroke-width:1.5}.end{stroke:#009E73;stroke-width:1.5}
.legend{font-size:.9em}.key{display:inline-block;width:14px;height:10px;margin:0 4px 0 10px;vertical-align:middle}.key.ok{background:#0072B2}
.key.f{background:repeating-linear-gradient(-45deg,#D55E00 0 3px,#7a3300 3px 5px)}.key.p{background:#999}.key.idle{background:repeating-linear-gradient(45deg,#f2f2f2 0 3px,#d0d0d0 3px 5px)}
.key.lb{border-left:2px dashed #000;width:0;height:12px}#detail{min-height:1.5em;font-family:ui-monospace,monospace;font-size:.9em;background:#f6f6f6;padding:4px 8px}
.scroll{overflow-x:auto}table{border-collapse:collapse;margin:.6em 0;font-size:.9em}caption{text-align:left;font-weight:600;padding:4px 0}
th,td{border-bottom:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}td{word-break:break-word}
.command{display:flex;flex-wrap:wrap;align-items:center;gap:8px;margin:.4em 0}.command pre{flex:1 1 400px;margin:0;background:#f6f6f6;padding:6px 8px;overflow-x:auto}
button.copy{font:inherit;padding:2px 10px}.failure{border-left:4px solid #D55E00;padding:2px 12px;margin:.8em 0;background:#fff8f3}
.failure h3{font-size:1em;margin:.3em 0}.where{color:#555;margin:0;font-family:ui-monospace,monospace;font-size:.9em}
.failure pre{white-space:pre-wrap;word-break:break-word;background:#f6f6f6;padding:6px 8px;margin:.4em 0}.diff{display:flex;flex-wrap:wrap;gap:8px}
.diff>div{flex:1 1 300px;min-width:0}.diff h4{margin:.2em 0;font-size:.85em}mark{background:#ffe0c2;color:#1a1a1a}svg.memory{width:100%;height:auto;max-height:160px}.mem{fill:none;stroke-width:2}.m0{stroke:#0072B2}.m1{stroke:#E69F00}.m2{stroke:#009E73}.m3{stroke:#CC79A7}
@media (max-width:600px){main{padding:8px}body{font-size:14px}svg.timeline{min-width:760px}}`;

const SCRIPT = `(function(){var d=document.getElementById('detail');var bars=document.querySelectorAll('.bar');
function show(e){d.textContent=e.target.getAttribute('aria-label');}
bars.forEach(function(b){b.addEventListener('mouseenter',show);b.addEventListener('focus',show);});
document.querySelectorAll('button.copy').forEach(function(b){b.addEventListener('click',function(){var t=b.parentNode.querySelector('code').textContent;if(navigator.clipboard)navigator.clipboard.writeText(t);b.textContent='Copied';});});
var drawn=0;bars.forEach(function(b){if(b.getBoundingClientRect().width>0)drawn++;});document.documentElement.setAttribute('data-bars-drawn',String(drawn));})();`;
