// The human table printed at the end of `npm run bench`. Runs in: the benchmark process.

import type { EnvCost } from './env-cost';
import type { ReportCost } from './report-cost';
import type { Figures } from './figures';
import type { SuiteShape } from './synthetic-suite';

export interface Report {
  date: string;
  machine: { cpus: number; cpuModel: string; node: string; mocha: string; platform: string };
  shape: SuiteShape;
  runsPerVariant: number;
  benchSeconds: number;
  figures: Figures;
  envCost: EnvCost;
  reportCost: ReportCost | undefined;
  /** The run record's start-up marks, as lines. */
  startup: string[] | undefined;
  pluginMemoryLines: string[];
}

const seconds = (ms: number | undefined): string => (ms === undefined ? 'n/a' : (ms / 1000).toFixed(2));

function formatValue(key: string, value: number | undefined): string {
  if (value === undefined) return 'n/a';
  if (key.startsWith('pluginShare')) return `${(value * 100).toFixed(1)} %`;
  if (/Ms|Us|Mb/.test(key)) return value.toFixed(1);
  return `${value.toFixed(2)}×`;
}

function verdict(value: number | undefined, target: string | undefined): string {
  if (target === undefined || value === undefined) return '';
  const limit = Number(target.replace(/[^\d.]/g, ''));
  return value <= limit ? `  ok (target ${target})` : `  MISSED (target ${target})`;
}

export function formatReport(report: Report): string {
  const { machine, shape, figures } = report;
  const lines = [
    `mocha-isolation benchmark, ${report.date}`,
    `machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.platform}, node ${machine.node}, mocha ${machine.mocha}; jobs = ${figures.jobs}`,
    `suite: ${shape.files} files × ${shape.tests} tests (${shape.cpuMs} ms CPU, 1 SQLite write + read, 1 ms wait per test; ` +
      `${slowFilesText(shape)}, declared last); trivial: 1 file × ${shape.trivialTests} empty tests`,
    `medians of ${report.runsPerVariant} runs per variant (2 for the other transpilers, 3 per round for the trivial suites), variants in rotation; whole benchmark ${report.benchSeconds.toFixed(0)} s`,
    '',
    `${'variant'.padEnd(56)}${'wall s'.padStart(8)}${'CPU s'.padStart(8)}${'1st test s'.padStart(12)}${'files s'.padStart(9)}`,
  ];
  for (const v of Object.values(figures.variants)) {
    lines.push(
      `${v.label.padEnd(56)}${seconds(v.wallMs).padStart(8)}${seconds(v.cpuMs).padStart(8)}${seconds(v.firstTestMs).padStart(12)}${seconds(v.totalFileMs).padStart(9)}`,
    );
  }
  lines.push('', 'figures');
  for (const [key, ratio] of Object.entries(figures.ratios)) {
    lines.push(`  ${ratio.note.padEnd(78)}${formatValue(key, ratio.value).padStart(9)}${verdict(ratio.value, ratio.target)}`);
  }
  const env = report.envCost;
  const us = (value: number): string => value.toFixed(2).padStart(9);
  lines.push(
    '',
    `environment sandbox per test (µs, in-process, ${env.variables} variables)      untouched     reads    writes`,
    `  current: the real process.env, an accessor notes a touch${' '.repeat(20)}${us(env.current.untouched)} ${us(env.current.read)} ${us(env.current.write)}`,
    ...(env.strict === undefined
      ? []
      : [
          `  ISOLATION_ENV=strict: read at every test's start, compared at its end${' '.repeat(7)}${us(env.strict.untouched)} ${us(env.strict.read)} ${us(env.strict.write)}`,
        ]),
    `  before issue 8: a Proxy over a copy (broke TZ, threads, references)${' '.repeat(9)}${us(env.legacy.untouched)} ${us(env.legacy.read)} ${us(env.legacy.write)}`,
  );
  const startup = report.startup;
  if (startup !== undefined)
    lines.push(
      '',
      "start-up of the default suite's parallel plugin run (ms from the main process's start):",
      ...startup.map((line) => `  ${line}`),
    );
  const page = report.reportCost;
  if (page !== undefined) {
    lines.push(
      '',
      `run report page for the default suite's parallel run (${page.files} files): ${page.ms.toFixed(1)} ms to build and write, ${page.kb.toFixed(0)} KB${page.ms <= 20 ? '  ok (target <= 20 ms)' : '  MISSED (target <= 20 ms)'}`,
    );
  }
  const workers = figures.variants['parallel-plugin']?.peakRssMb ?? [];
  lines.push('', `peak RSS per process, parallel plugin run: ${workers.map((mb) => `${mb.toFixed(1)} MB`).join(', ')}`);
  if (report.pluginMemoryLines.length > 0) lines.push('the plugin said:', ...report.pluginMemoryLines.map((line) => `  ${line}`));
  return lines.join('\n');
}

function slowFilesText(shape: Report['shape']): string {
  if (shape.slowFiles === 0) return 'no slow files';
  if (shape.slowFiles === 1) return `1 file ${shape.slowestFactor}× longer`;
  return `${shape.slowFiles} files ${shape.slowFactor}× longer, the last ${shape.slowestFactor}×`;
}
