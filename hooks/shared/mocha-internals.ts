// Where the running mocha keeps what the plugin needs and mocha does not export, for each supported major (10, 11,
// 12). Runs in: any process. Every path into mocha's lib/ goes through here.
//
// Why the running mocha, found from the process's main module: a project (or this repository's own tests, with
// `mocha-11` and `mocha-10` installed as npm aliases) may hold more than one copy, and the plugin must speak to the
// one that runs; `require('mocha/…')` would find whichever node_modules/mocha is nearest to the plugin.
// Why each major: mocha 12 renamed most of lib/ to .cjs (lib/mocha.cjs, nodejs/worker.cjs,
// nodejs/reporters/parallel-buffered.cjs) and parses its command line with node:util (cli/parse-args.js, an ES
// module); 10 and 11 have .js files and parse with yargs-parser inside cli/options.js, which exports its settings
// but not the parser.

import fs from 'node:fs';
import path from 'node:path';
import type { Hook, Runner, Suite } from 'mocha';

type ArgsParser = (args: string[]) => ParsedMochaArgs;

/** What this process found once: facts of the mocha that runs it, the same for every file and test. */
const found: { dir?: string; parser?: ArgsParser } = {};

/** The folder of the mocha this process runs (its main module is mocha's bin, cli or worker script). */
export function mochaDir(): string {
  if (found.dir !== undefined) return found.dir;
  for (let dir = path.dirname(require.main?.filename ?? ''); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (isMochaPackage(dir)) return (found.dir = dir);
  }
  // Not run by mocha (the plugin's command, a unit test's direct require): the mocha the project resolves.
  return (found.dir = path.dirname(require.resolve('mocha/package.json', { paths: [process.cwd(), __dirname] })));
}

function isMochaPackage(dir: string): boolean {
  try {
    return (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string }).name === 'mocha';
  } catch {
    return false;
  }
}

/** A file of mocha's lib/ by its name without extension: `.cjs` in mocha 12, `.js` before. */
export function mochaLibFile(relative: string): string {
  for (const extension of ['.cjs', '.js']) {
    const file = path.join(mochaDir(), 'lib', `${relative}${extension}`);
    if (fs.existsSync(file)) return file;
  }
  throw new Error(`mocha-isolation: mocha ${mochaDir()} has no lib/${relative}.cjs or .js; the plugin supports mocha 10, 11 and 12.`);
}

export function requireMochaLib<T>(relative: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a file of the running mocha, found at run time
  return require(mochaLibFile(relative)) as T;
}

export interface ParsedMochaArgs {
  _: Array<string | number>;
  spec?: string[];
  jobs?: number;
  parallel?: boolean;
}

/** mocha's own command-line parser, so that the plugin agrees with it on every flag's arity. */
export function parseMochaArgs(args: string[]): ParsedMochaArgs {
  found.parser ??= loadParser();
  return found.parser(args);
}

function loadParser(): ArgsParser {
  const modern = path.join(mochaDir(), 'lib', 'cli', 'parse-args.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a file of the running mocha, found at run time
  if (fs.existsSync(modern)) return (require(modern) as { parseMochaArgs: ArgsParser }).parseMochaArgs;
  // mocha 10 and 11: their options.js's parse, with the settings it exports and the yargs-parser it depends on.
  const { YARGS_PARSER_CONFIG } = requireMochaLib<{ YARGS_PARSER_CONFIG: Record<string, unknown> }>('cli/options');
  const { types, aliases } = requireMochaLib<{
    types: Record<'array' | 'boolean' | 'number' | 'string', string[]>;
    aliases: Record<string, string[]>;
  }>('cli/run-option-metadata');
  const { isNodeFlag } = requireMochaLib<{ isNodeFlag: (flag: string, bareword?: boolean) => boolean }>('cli/node-flags');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- mocha's own yargs-parser, found from its folder
  const yargsParser = require(require.resolve('yargs-parser', { paths: [mochaDir()] })) as {
    detailed: (args: string[], options: Record<string, unknown>) => { argv: ParsedMochaArgs & Record<string, unknown> };
  };
  const narg = Object.fromEntries([...types.array, ...types.string, ...types.number].map((name) => [name, 1]));
  return (args) => {
    // As mocha does: node's own flags are booleans to the parser (a `--flag=value` keeps its value).
    const nodeFlags = args
      .map((arg) => arg.split('=')[0] as string)
      .filter((flag) => isNodeFlag(flag, false))
      .map((flag) => flag.replace(/^--?/, ''));
    const configuration = { ...YARGS_PARSER_CONFIG, 'camel-case-expansion': false };
    return yargsParser.detailed(args, {
      configuration,
      narg,
      alias: aliases,
      string: types.string,
      array: types.array,
      number: types.number,
      boolean: [...types.boolean, ...nodeFlags],
    }).argv;
  };
}

// Fields mocha keeps on its objects without documenting them, each read or written only here. Changes to its
// objects go through mocha-patches.ts; the packed worker stream mirrors what Test#serialize() returns, and checks
// that against the running mocha once per file (packed-tests.ts, sameAsMocha).

export type HookKind = 'beforeAll' | 'afterAll' | 'beforeEach' | 'afterEach';

/** A suite's own list of its hooks of one kind (Suite#_beforeAll and peers), which the plugin reorders. */
export function suiteHooks(suite: Suite, kind: HookKind): Hook[] | undefined {
  const list = (suite as unknown as Record<string, unknown>)[`_${kind}`];
  return Array.isArray(list) ? (list as Hook[]) : undefined;
}

/** The --grep mocha gave the runner itself (a serial run; a worker's reporter gets it as an option). */
export function runnerGrep(runner: Runner): { grep: unknown; invert: unknown } {
  const fields = runner as unknown as { _grep?: unknown; _invert?: unknown };
  return { grep: fields._grep, invert: fields._invert };
}

/** Whether --bail stops this suite (Suite#_bail): mocha then skips the rest on purpose. */
export function suiteBails(suite: Suite): boolean {
  return (suite as unknown as { _bail?: boolean })._bail === true;
}

/** Runner#linkPartialObjects(true) was asked for; mocha keeps no public record. Anything but a plain false is on. */
export function linksPartialObjects(runner: Runner): boolean {
  return (runner as unknown as { _linkPartialObjects?: unknown })._linkPartialObjects !== false;
}

/** A test or hook as mocha times it: its own timeout, and the timer it runs while an async runnable waits. */
export interface TimedRunnable {
  timeout(): number;
  timedOut?: boolean;
  resetTimeout(): void;
}

/**
 * Sets the timeout mocha checks (Runnable#_timeout) without Runnable#timeout(ms), which would also restart the
 * timer; with `restartTimer`, restarts it only if mocha is running one (a sync runnable, or one that has ended,
 * has none, and one started for it would be a timer of the test's own in the leak check).
 */
export function setRunnableTimeout(runnable: TimedRunnable, ms: number, restartTimer = false): void {
  const fields = runnable as unknown as { _timeout: number; timer?: { _idleTimeout?: number } };
  fields._timeout = ms;
  // Node sets a cleared timer's _idleTimeout to -1.
  if (restartTimer && (fields.timer?._idleTimeout ?? -1) > 0) runnable.resetTimeout();
}
