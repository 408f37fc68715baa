// The leak report's record and its text: what each test left behind, by category. Runs in: any process (workers
// record leaks in their statistics; the main process prints the report and writes it as JSON).

export type LeakCategory = 'env' | 'servers' | 'handles' | 'listeners';

export interface Leak {
  category: LeakCategory;
  test: string;
  file: string;
  /** What was left: variable names (never values: they may be secrets), counts, resource types. */
  detail: string;
  /** For handles: the resource types left open (to name the test if they keep a serial run alive). */
  types?: string[];
}

const WHAT: Record<LeakCategory, string> = {
  env: 'changed environment variables and did not restore them (the plugin did)',
  servers: 'left servers listening (the plugin closed them)',
  handles: 'left timers, sockets or child processes open (the plugin cannot close them)',
  listeners: 'added listeners to process and did not remove them (the plugin cannot)',
};

/** The leak report: each leaking test once per category, with its file and worker. */
export function formatLeakReport(leaks: ReadonlyArray<Leak & { worker: string }>): string[] {
  if (leaks.length === 0) return [];
  const lines = [`mocha-isolation: ${new Set(leaks.map((leak) => `${leak.file}\0${leak.test}`)).size} test(s) left something behind (ISOLATION_LEAKS=fail fails them, off hides this):`];
  for (const category of Object.keys(WHAT) as LeakCategory[]) {
    const found = leaks.filter((leak) => leak.category === category);
    if (found.length === 0) continue;
    lines.push(`  ${category}: ${found.length} test(s) ${WHAT[category]}`);
    for (const leak of found) lines.push(`    - "${leak.test}" (${leak.file}, ${leak.worker}): ${leak.detail}`);
  }
  return lines;
}
