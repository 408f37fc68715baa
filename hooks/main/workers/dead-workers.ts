// Names the file (and the last test) a dead worker was running. Runs in: main process (read while the run
// accounts for a dead worker's tests, and at global teardown for the closing line).
// mocha itself reports a dead worker only as "Workerpool Worker terminated Unexpectedly", without the file.

import fs from 'node:fs';
import path from 'node:path';
import { type Outcome, outcomeJournal, runLayout, type WorkerMarker } from '../../shared/run-layout';
import { fileCommand } from '../invocation/seed-line';

/** A worker writes its marker when it starts a file and removes it when the file ends; one left over is a death. */
export function readLeftoverMarkers(runDir: string): WorkerMarker[] {
  const folder = runLayout(runDir).markers;
  let names: string[];
  try {
    names = fs.readdirSync(folder);
  } catch {
    return [];
  }
  const markers: WorkerMarker[] = [];
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    try {
      const file = path.join(folder, name);
      const marker = JSON.parse(fs.readFileSync(file, 'utf8')) as WorkerMarker;
      marker.outcomes = readOutcomes(outcomeJournal(file));
      markers.push(marker);
    } catch {
      // A worker killed in the middle of writing its marker leaves a partial file; the others still count.
    }
  }
  return markers;
}

/** `how`: the worker's end in words ("exit code 7", "killed by SIGKILL"), when the main process saw it. */
export function reportDeadWorkers(
  runDir: string,
  seed: string | undefined,
  print: (line: string) => void,
  how: (pid: number) => string | undefined = () => undefined,
): void {
  for (const marker of readLeftoverMarkers(runDir)) {
    const test = marker.test === undefined ? '' : `, in test "${marker.test}"`;
    const replay = seed === undefined ? '' : ` Reproduce: ${fileCommand(seed, marker.file)}`;
    const ended = how(marker.pid);
    print(
      `mocha-isolation: worker ${marker.workerId} (pid ${marker.pid}${ended === undefined ? '' : `, ${ended}`}) died while running ${marker.file}${test}.${replay}`,
    );
    process.exitCode = process.exitCode || 1;
  }
}

/** The outcomes a worker appended before it died; a line cut short by the death is left out. */
function readOutcomes(journal: string): Record<string, Outcome> {
  const outcomes: Record<string, Outcome> = {};
  let text: string;
  try {
    text = fs.readFileSync(journal, 'utf8');
  } catch {
    return outcomes;
  }
  for (const line of text.split('\n')) {
    try {
      const [place, outcome] = JSON.parse(line) as [string, Outcome];
      outcomes[place] = outcome;
    } catch {
      // the empty last line, or one the death cut short
    }
  }
  return outcomes;
}
