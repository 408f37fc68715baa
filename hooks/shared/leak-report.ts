// The leak report's record and its text: what each test left behind, by category. Runs in: any process (workers
// record leaks in their statistics; the main process prints the report and writes it as JSON).

/** What the plugin rolls back first, then what it cannot; the report lists categories in this order. */
export const LEAK_CATEGORIES = ['env', 'fakes', 'rows', 'tempFiles', 'servers', 'handles', 'listeners', 'globals', 'prototypes'] as const;
export type LeakCategory = (typeof LEAK_CATEGORIES)[number];

/** What a test that leaves something behind gets: named in the run's leak report, failed, or nothing. */
export type LeakPolicy = 'report' | 'fail' | 'off';
export const LEAK_POLICIES: readonly LeakPolicy[] = ['report', 'fail', 'off'];
export type LeakPolicies = Readonly<Record<LeakCategory, LeakPolicy>>;

/** The title a leak gets when a file's before/after hooks, not one of its tests, left it. */
export const FILE_HOOKS_TITLE = '(before/after hooks of the file)';
/** The title a leak gets when a file's module code left it while loading (named with fresh modules only). */
export const MODULE_LOAD_TITLE = '(module code, while the file loaded)';

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
  fakes: 'left sinon fakes in place (the plugin restored them; call sinon.restore() in afterEach)',
  rows: 'left rows in the worker database (the plugin emptied it)',
  tempFiles: 'left files in the temp folder (os.tmpdir(); removed with the run folder)',
  servers: 'left servers listening (the plugin closed them)',
  handles: 'left timers, sockets or child processes open (the plugin cannot close them)',
  listeners: 'added listeners to process and did not remove them (the plugin cannot)',
  globals: 'added global variables (the plugin cannot remove them)',
  prototypes: 'added properties to built-in prototypes (the plugin cannot remove them)',
};

/** Tests listed per category on stderr; the JSON file has them all. */
const LISTED_PER_CATEGORY = 10;

/** The leak report: each leaking test once per category, with its file and worker. */
export function formatLeakReport(leaks: ReadonlyArray<Leak & { worker: string }>, jsonFile?: string): string[] {
  if (leaks.length === 0) return [];
  const tests = new Set(leaks.map((leak) => `${leak.file}\0${leak.test}`)).size;
  const lines = [`mocha-isolation: ${tests} test(s) left something behind (ISOLATION_LEAKS=fail fails them, off hides this):`];
  for (const category of LEAK_CATEGORIES) {
    const found = leaks.filter((leak) => leak.category === category);
    if (found.length === 0) continue;
    lines.push(`  ${category}: ${found.length} test(s) ${WHAT[category]}`);
    for (const leak of found.slice(0, LISTED_PER_CATEGORY))
      lines.push(`    - "${leak.test}" (${leak.file}, ${leak.worker}): ${leak.detail}`);
    if (found.length > LISTED_PER_CATEGORY) {
      lines.push(`    … and ${found.length - LISTED_PER_CATEGORY} more${jsonFile === undefined ? '' : ` (all in ${jsonFile})`}`);
    }
  }
  return lines;
}

/** The categories of what one test left, for the bisector's verdict. */
export function leakCategoriesOf(leaks: readonly Leak[], file: string, test: string): LeakCategory[] {
  return LEAK_CATEGORIES.filter((category) => leaks.some((leak) => leak.category === category && leak.file === file && leak.test === test));
}
