import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildReportModel, type ReportInput } from '../../hooks/main/report/report-model';
import { renderReportPage } from '../../hooks/main/report/report-page';
import type { RunRecord } from '../../hooks/main/run-record';
import { writeSyntheticSuite } from '../bench/synthetic-suite';
import { CHROMIUM, renderedDom, screenshot } from './support/chromium';
import { REPO, removeWork, runFixture } from './support/run-fixture';

// The run report: one self-contained HTML page per run, beside the run record. Its lanes and bars are checked
// against the run record, and the page is opened in headless Chromium (skipped, saying so, without it).
const count = (html: string, pattern: RegExp): number => html.match(pattern)?.length ?? 0;
const barLabels = (html: string): string[] =>
  [...html.matchAll(/<rect class="bar [^"]*"[^>]*aria-label="([^"]*)"/g)].map((m) => m[1] as string);

function expectMatchesRecord(html: string, record: RunRecord): void {
  const lanes = [...html.matchAll(/<g class="lane" role="list" aria-label="([^"]*)"/g)].map((m) => m[1]);
  expect(lanes).to.deep.equal(
    record.workers.map((w) => `${w.workerId === undefined ? 'serial' : `worker ${w.workerId}`}: ${w.files.length} files`),
  );
  const labels = barLabels(html);
  expect(labels).to.have.length(record.workers.reduce((sum, w) => sum + w.files.length, 0));
  for (const worker of record.workers)
    for (const file of worker.files)
      expect(
        labels.some((label) => label.startsWith(`${file.file}: `)),
        file.file,
      ).to.equal(true);
  // Every bar is reachable with the keyboard.
  expect(count(html, /<rect class="bar [^"]*" role="listitem" tabindex="0"/g)).to.equal(labels.length);
}

function expectSelfContained(html: string): void {
  expect(html).not.to.match(/<(link|img|iframe)\b/);
  expect(html).not.to.match(/\b(src|href)=/);
  expect(html).not.to.match(/https?:\/\//);
}

describe('the run report page', () => {
  it('is written beside the run record, named on stderr, self-contained, and matches the record (fixtures/leaks, parallel)', async () => {
    const result = await runFixture('leaks', { mode: 'parallel' });
    const work = path.dirname(result.outDir);
    const page = path.join(work, 'report.html');
    const html = fs.readFileSync(page, 'utf8');
    const record = JSON.parse(fs.readFileSync(path.join(work, 'last-run.json'), 'utf8')) as RunRecord;
    removeWork(result);
    expect(result.stderr).to.match(/mocha-isolation: run report: .*report\.html \(\d+ KB; ISOLATION_REPORT=off skips it\)/);
    expectSelfContained(html);
    expectMatchesRecord(html, record);
    expect(html).to.contain('leaky changes a variable').and.contain('LEAKY_TOKEN').and.contain('wall / LB');
  });

  it("lists a failing run's failures with the commands to reproduce, replay and bisect (fixtures/flaky-fail, seed 2)", async () => {
    const result = await runFixture('flaky-fail', { mode: 'serial', seed: 2 });
    const html = fs.readFileSync(path.join(path.dirname(result.outDir), 'report.html'), 'utf8');
    removeWork(result);
    expect(html).to.contain('flaky depends on the luck of the run');
    expect(html)
      .to.contain('ISOLATION_SEED=2 npx mocha --no-parallel')
      .and.contain('npx mocha-isolation replay')
      .and.contain('npx mocha-isolation bisect');
  });

  for (const mode of ['serial', 'parallel'] as const) {
    it(`puts the failures first, each with its message, its diff and its stack folded (fixtures/report-fail, ${mode})`, async () => {
      const result = await runFixture('report-fail', { mode, seed: 1 });
      const html = fs.readFileSync(path.join(path.dirname(result.outDir), 'report.html'), 'utf8');
      removeWork(result);
      expect(html.indexOf('<h2 id="failures">Failures (1)</h2>')).to.be.above(0).and.below(html.indexOf('<h2 id="schedule">'));
      expect(html)
        .to.contain('<h3>prices rounds every line to the cent</h3>')
        .and.contain('expected { currency: &#39;EUR&#39;, …(1) } to deeply equal');
      expect(html).to.contain('<mark>+     3.49</mark>').and.contain('<mark>-     3.5</mark>');
      expect(html).to.match(/<details><summary>Stack<\/summary><pre>AssertionError: expected/);
    });
  }

  it("shows a shard's plan against the other shards' expected loads (fixtures/schedule, ISOLATION_SHARD=2/2)", async () => {
    const result = await runFixture('schedule', { mode: 'parallel', env: { ISOLATION_SHARD: '2/2' } });
    const html = fs.readFileSync(path.join(path.dirname(result.outDir), 'report.html'), 'utf8');
    removeWork(result);
    expect(html).to.contain('<h2 id="shards">Shard 2 of 2</h2>');
    expect(html).to.match(/shard 1: [^,]+, <strong>shard 2: [^<]+<\/strong>/);
  });

  it('is not written with ISOLATION_REPORT=off', async () => {
    const result = await runFixture('order', { mode: 'serial', env: { ISOLATION_REPORT: 'off' } });
    const exists = fs.existsSync(path.join(path.dirname(result.outDir), 'report.html'));
    removeWork(result);
    expect(exists).to.equal(false);
    expect(result.stderr).not.to.contain('run report');
  });

  it('stays under 300 KB for a run of 1,000 files of 20 tests', () => {
    const started = Date.now();
    const input: ReportInput = {
      seed: 1,
      order: 'files shuffled',
      commands: { reproduce: 'ISOLATION_SEED=1 npx mocha' },
      startedAt: started,
      endedAt: started + 60_000,
      workers: [0, 1, 2, 3].map((w) => ({
        workerId: String(w),
        files: Array.from({ length: 250 }, (_, i) => ({
          file: `test/area-${w}/feature-${String(i).padStart(3, '0')}.spec.ts`,
          startedAt: started + i * 230,
          ms: 220,
          rssMb: 120 + i / 10,
          tests: Array.from({ length: 20 }, (_, t) => [`feature ${i} does thing ${t}`, 'passed', 11] as [string, 'passed', number]),
        })),
      })),
      leaks: [],
      dropped: 0,
      lost: [],
    };
    const html = renderReportPage(buildReportModel(input));
    expect(Buffer.byteLength(html)).to.be.below(300 * 1024);
    expect(barLabels(html)).to.have.length(1000);
  });

  describe('in headless Chromium', function () {
    this.timeout(180_000);
    before(function () {
      if (CHROMIUM === undefined) {
        process.stderr.write('  (skipped: Chromium is not installed; apt-get install chromium, or set CHROMIUM_PATH)\n');
        this.skip();
      }
    });

    const cleanEnv = (): NodeJS.ProcessEnv =>
      Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(ISOLATION_|MOCHA_)/.test(key)));

    function openInChromium(page: string, record: RunRecord, name: string): void {
      const html = fs.readFileSync(page, 'utf8');
      expectSelfContained(html);
      expectMatchesRecord(html, record);
      const bars = barLabels(html).length;
      // The page's script counts the bars the browser drew with a width: all of them, wide and at a phone's width.
      for (const [width, height] of [
        [1280, 800],
        [390, 844],
      ] as const) {
        const dom = renderedDom(page, width, height);
        expect(/data-bars-drawn="(\d+)"/.exec(dom)?.[1], `${width}×${height}`).to.equal(String(bars));
      }
      screenshot(page, path.join(REPO, 'reports', `run-report-${name}.png`));
      screenshot(page, path.join(REPO, 'reports', `run-report-${name}-phone.png`), 390, 844);
      expect(fs.statSync(path.join(REPO, 'reports', `run-report-${name}.png`)).size).to.be.above(10_000);
    }

    it('shows the failures first, in a browser (fixtures/report-fail)', async () => {
      const result = await runFixture('report-fail', { mode: 'parallel', seed: 1 });
      const page = path.join(path.dirname(result.outDir), 'report.html');
      try {
        const dom = renderedDom(page);
        expect(dom.indexOf('Failures (1)')).to.be.above(0).and.below(dom.indexOf('Schedule'));
        expect(dom).to.contain('prices rounds every line to the cent').and.contain('<mark>+     3.49</mark>');
        screenshot(page, path.join(REPO, 'reports', 'run-report-failures.png'));
        expect(fs.statSync(path.join(REPO, 'reports', 'run-report-failures.png')).size).to.be.above(10_000);
      } finally {
        removeWork(result);
      }
    });

    it("renders the service suite's parallel run", () => {
      const work = fs.mkdtempSync(path.join(os.tmpdir(), 'report-service-'));
      try {
        // Its own 5 s timeout is for a quiet machine: under this suite's load a beforeEach that starts the app once
        // took longer (12 failed: 1 hook, 11 skipped). What is checked here is the page, not the time.
        const run = spawnSync(
          process.execPath,
          [path.join(REPO, 'node_modules/mocha/bin/mocha.js'), '--reporter', 'dot', '--timeout', '60000'],
          {
            cwd: REPO,
            env: { ...cleanEnv(), ISOLATION_DURATIONS: path.join(work, 'durations.json') },
            encoding: 'utf8',
          },
        );
        expect(run.status, `${run.stdout}\n${run.stderr}`).to.equal(0);
        openInChromium(
          path.join(work, 'report.html'),
          JSON.parse(fs.readFileSync(path.join(work, 'last-run.json'), 'utf8')) as RunRecord,
          'service',
        );
      } finally {
        fs.rmSync(work, { recursive: true, force: true });
      }
    });

    it("renders the bench's default suite (128 files × 20 tests), in parallel", () => {
      const work = fs.mkdtempSync(path.join(os.tmpdir(), 'report-bench-'));
      try {
        const suite = writeSyntheticSuite(
          work,
          { files: 128, tests: 20, slowFiles: 3, slowFactor: 10, slowestFactor: 60, cpuMs: 0.2, trivialTests: 2 },
          REPO,
        );
        // The plugin's TypeScript sources through ts-node, as the fixtures load it (the bench uses the build).
        fs.writeFileSync(
          path.join(suite.dir, '.mocharc.cjs'),
          `require('ts-node/register');\nconst { defineConfig } = require(${JSON.stringify(path.join(REPO, 'hooks/mocharc'))});\n` +
            `module.exports = defineConfig({ spec: ['spec/*.spec.ts'], extension: ['ts'], reporter: 'dot', timeout: 60000, require: ['ts-node/register', ${JSON.stringify(path.join(REPO, 'hooks'))}], isolation: { schema: 'schema.sql' } });\n`,
        );
        fs.mkdirSync(path.join(work, 'probe'), { recursive: true });
        const run = spawnSync(process.execPath, [path.join(REPO, 'node_modules/mocha/bin/mocha.js'), '--parallel', '--jobs', '2'], {
          cwd: suite.dir,
          env: {
            ...cleanEnv(),
            TS_NODE_TRANSPILE_ONLY: 'true',
            TS_NODE_PROJECT: path.join(suite.dir, 'tsconfig.json'),
            BENCH_PLUGIN: 'on',
            BENCH_PLUGIN_ENTRY: path.join(REPO, 'hooks'),
            BENCH_PROBE_DIR: path.join(work, 'probe'),
            BENCH_DB_DIR: path.join(work, 'db'),
            BENCH_SPIN_PER_MS: '1000',
          },
          encoding: 'utf8',
        });
        expect(run.status, run.stderr).to.equal(0);
        const cache = path.join(suite.dir, '.mocha-isolation');
        openInChromium(
          path.join(cache, 'report.html'),
          JSON.parse(fs.readFileSync(path.join(cache, 'last-run.json'), 'utf8')) as RunRecord,
          'bench',
        );
        expect(fs.statSync(path.join(cache, 'report.html')).size).to.be.below(300 * 1024);
      } finally {
        fs.rmSync(work, { recursive: true, force: true });
      }
    });
  });
});
