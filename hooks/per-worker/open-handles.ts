// Names the tests that left something open which keeps a serial run's process from exiting (mocha waits for the
// event loop to drain unless --exit): timers, sockets, child processes. Runs in: the --no-parallel process, per
// test (one list of resource types before and after) and once when the run ends. Workers need none of this:
// mocha terminates them.

const IGNORED: ReadonlySet<string> = new Set(['PipeWrap', 'TTYWrap', 'FSReqCallback', 'FSReqPromise', 'TCPServerWrap', 'PipeServerWrap']);

type Counts = Map<string, number>;

function resourceCounts(): Counts {
  const counts: Counts = new Map();
  for (const type of process.getActiveResourcesInfo()) if (!IGNORED.has(type)) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

export interface OpenHandles {
  testStarted(): void;
  testEnded(test: { readonly title: string; readonly file: string | undefined }): void;
  /** When the run ends: a line naming what is still open and the tests that left it, or undefined. */
  report(): string | undefined;
}

export function trackOpenHandles(relative: (file: string) => string): OpenHandles {
  let before: Counts = new Map();
  const leftBy = new Map<string, string[]>();
  return {
    testStarted() {
      before = resourceCounts();
    },
    testEnded(test) {
      for (const [type, count] of resourceCounts()) {
        if (count <= (before.get(type) ?? 0)) continue;
        const tests = leftBy.get(type) ?? [];
        tests.push(`"${test.title}" (${test.file === undefined ? 'unknown file' : relative(test.file)})`);
        leftBy.set(type, tests);
      }
    },
    report() {
      const open = [...resourceCounts()].filter(([type]) => leftBy.has(type));
      if (open.length === 0) return undefined;
      const lines = open.map(([type, count]) => `  - ${type} ×${count}, left open by ${(leftBy.get(type) ?? []).slice(0, 5).join(', ')}`);
      return (
        `mocha-isolation: the run has ended, but these keep the process from exiting (mocha waits for them unless --exit):\n${lines.join('\n')}\n` +
        '  Close them before each test ends (clearTimeout/clearInterval, socket.destroy(), child.kill()), or unref() them.'
      );
    },
  };
}
