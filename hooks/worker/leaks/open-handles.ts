// Names the tests that left something open which keeps a serial run's process from exiting (mocha waits for the
// event loop to drain unless --exit): timers, sockets, child processes. Runs in: the --no-parallel process, fed
// by the leak watch's handles, and once a while after the run ends. Workers need none of this: mocha ends them.
//
// Why a while after: much that is open when the run ends closes by itself (a keep-alive socket of Node's HTTP
// agent after 5 s, a timer about to fire); a run that then exited by itself was told these kept it alive. Only
// what still holds the process HOLD_GRACE_MS after the end is named; a process that exits first hears nothing.

import type { Leak } from '../../shared/leak-report';

export const HOLD_GRACE_MS = 6_000;

const IGNORED: ReadonlySet<string> = new Set(['PipeWrap', 'TTYWrap', 'FSReqCallback', 'FSReqPromise', 'TCPServerWrap', 'PipeServerWrap']);

export interface OpenHandles {
  /** A test left these resource types open. */
  leftOpen(leak: Leak): void;
  /** When the run ends: a line naming what is still open and the tests that left it, or undefined. */
  report(): string | undefined;
}

export function trackOpenHandles(): OpenHandles {
  const leftBy = new Map<string, string[]>();
  return {
    leftOpen(leak) {
      for (const type of leak.types ?? []) leftBy.set(type, [...(leftBy.get(type) ?? []), `"${leak.test}" (${leak.file})`]);
    },
    report() {
      const open = new Map<string, number>();
      for (const type of process.getActiveResourcesInfo())
        if (!IGNORED.has(type) && leftBy.has(type)) open.set(type, (open.get(type) ?? 0) + 1);
      if (open.size === 0) return undefined;
      const lines = [...open].map(
        ([type, count]) => `  - ${type} ×${count}, left open by ${(leftBy.get(type) ?? []).slice(0, 5).join(', ')}`,
      );
      return (
        `mocha-isolation: the run ended ${HOLD_GRACE_MS / 1000} s ago, but these still keep the process from exiting (mocha waits for them unless --exit):\n${lines.join('\n')}\n` +
        '  Close them before each test ends (clearTimeout/clearInterval, socket.destroy(), child.kill()), or unref() them.'
      );
    },
  };
}

/** Prints the report if the process is still alive HOLD_GRACE_MS from now (the timer itself holds nothing). */
export function reportIfStillHeld(report: () => string | undefined, print: (text: string) => void): void {
  setTimeout(() => {
    const text = report();
    if (text !== undefined) print(text);
  }, HOLD_GRACE_MS).unref();
}
