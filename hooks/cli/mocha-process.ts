// Runs the project's own mocha in a child process and reads its JSON report: what the plugin's commands
// (repeat, replay, bisect) build on. Runs in: the command's process, outside any mocha run.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { specKey } from '../shared/run-layout';
import type { Leak } from '../shared/leak-report';
import type { RunRecord } from '../main/run-record';

export interface ReportedTest {
  fullTitle: string;
  /** The spec file's key (relative to the working directory). */
  file: string;
  /** A failure's error message. */
  message?: string;
}

export interface MochaReport {
  passes: ReportedTest[];
  failures: ReportedTest[];
  /** False when mocha wrote no report (it could not start, or crashed). */
  reported: boolean;
  /** The run's leak report (what each test left behind). */
  leaks: Leak[];
  /** It had not exited within its time limit and was stopped (a timer or socket a test left kept it alive). */
  stopped: boolean;
  /** The run's record (each process's files and tests in the order it ran them), when it wrote one. */
  record?: RunRecord;
}

/**
 * `env` is added to this process's environment; stdout and stderr are shown only with `inherit`. The child keeps
 * its records (duration cache, run record, leak report) in a folder of its own: a command's runs must not replace
 * the project's last run, which the next replay or bisect reads. `limitMs`: a run that has not exited by then (a
 * timer or socket a test left keeps mocha alive) is stopped, and what it reported is used; `stopped` says so.
 */
export function runMochaReport(
  cwd: string,
  args: readonly string[],
  env: Record<string, string>,
  inherit = false,
  limitMs?: number,
  launcher?: readonly string[],
): Promise<MochaReport> {
  // Listening before the folder exists: a signal that came between the two would end the command and leave it.
  listenForInterrupts();
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'isolation-command-'));
  const running: { folder: string; child?: ReturnType<typeof spawn> } = { folder };
  RUNNING.add(running);
  const report = path.join(folder, 'report.json');
  // As the user started mocha (a launcher such as tsx, an npm script), or the project's own mocha with this node.
  const [program, ...start] = launcher ?? [process.execPath, require.resolve('mocha/bin/mocha.js', { paths: [cwd] })];
  const child = spawn(program as string, [...start, ...args, '--reporter', 'json', '--reporter-option', `output=${report}`], {
    cwd,
    // No report page: the folder it would go in is removed when the run ends.
    env: { ...process.env, ...env, ISOLATION_DURATIONS: path.join(folder, 'durations.json'), ISOLATION_REPORT: 'off' },
    stdio: inherit ? ['ignore', 'inherit', 'pipe'] : ['ignore', 'ignore', 'ignore'],
  });
  if (inherit) forwardStderr(child, folder);
  running.child = child;
  let stopped = false;
  const limit =
    limitMs === undefined
      ? undefined
      : setTimeout(() => {
          stopped = true;
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
        }, limitMs);
  return new Promise((resolve) => {
    child.on('close', () => {
      if (limit !== undefined) clearTimeout(limit);
      RUNNING.delete(running);
      if (RUNNING.size === 0) for (const signal of INTERRUPTS) process.removeListener(signal, onInterrupt);
      type Entry = { fullTitle: string; file?: string; err?: { message?: unknown } };
      const toTest = (test: Entry): ReportedTest => ({
        fullTitle: test.fullTitle,
        file: test.file === undefined ? '' : specKey(test.file, cwd),
        ...(typeof test.err?.message === 'string' ? { message: test.err.message } : {}),
      });
      try {
        const parsed = JSON.parse(fs.readFileSync(report, 'utf8')) as { passes: Entry[]; failures: Entry[] };
        const record = readJson<RunRecord>(path.join(folder, 'last-run.json'));
        resolve({
          passes: parsed.passes.map(toTest),
          failures: parsed.failures.map(toTest),
          reported: true,
          leaks: readLeaks(path.join(folder, 'leaks.json')),
          stopped,
          ...(record === undefined ? {} : { record }),
        });
      } catch {
        resolve({ passes: [], failures: [], reported: false, leaks: [], stopped });
      } finally {
        fs.rmSync(folder, { recursive: true, force: true });
      }
    });
  });
}

// The run's own next steps name files in its folder, which is gone once it ends: the command gives its own.
const OWN_NEXT_STEPS = /^mocha-isolation: \d+ (tests? )?failed(: [^(]*)? \(seed \d+\)\. Next steps:$|^ {2}\(nothing for bisect: /;

function forwardStderr(child: ReturnType<typeof spawn>, folder: string): void {
  let pending = '';
  const forward = (line: string): void => {
    if (!line.includes(folder) && !OWN_NEXT_STEPS.test(line)) process.stderr.write(`${line}\n`);
  };
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) forward(line);
  });
  child.stderr?.on('end', () => {
    if (pending !== '') forward(pending);
  });
}

// The runs under way, so that Ctrl-C or SIGTERM on the command removes their folders (its children get the
// signal too, from the terminal, or are stopped here) and then ends the command with that signal.
const RUNNING = new Set<{ folder: string; child?: ReturnType<typeof spawn> }>();
const INTERRUPTS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function listenForInterrupts(): void {
  for (const signal of INTERRUPTS) if (!process.listeners(signal).includes(onInterrupt)) process.once(signal, onInterrupt);
}

function onInterrupt(signal: NodeJS.Signals): void {
  for (const other of INTERRUPTS) process.removeListener(other, onInterrupt);
  for (const run of RUNNING) {
    run.child?.kill('SIGKILL');
    fs.rmSync(run.folder, { recursive: true, force: true });
  }
  RUNNING.clear();
  process.kill(process.pid, signal);
}

/** A run with no leaks writes no file; one that cannot be read is said (bisect names what a polluter left from it). */
function readLeaks(file: string): Leak[] {
  if (!fs.existsSync(file)) return [];
  const leaks = readJson<{ leaks?: unknown }>(file)?.leaks;
  if (Array.isArray(leaks)) return leaks as Leak[];
  process.stderr.write(
    `mocha-isolation: the run's leak report ${file} could not be read (cut short or not a leak report); what its tests left behind is not shown for this run.\n`,
  );
  return [];
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
