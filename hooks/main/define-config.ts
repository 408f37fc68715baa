// The .mocharc.cjs helper: turns a plain config into mocha options with a seeded file order.
// Runs in: main process, while mocha loads its config, before global setup and before any worker exists.

import os from 'node:os';
import path from 'node:path';
import { ENV, parseConfig } from '../config';
import { configError, IsolationError } from '../errors';
import { chooseSeed } from '../shared/shuffle';
import { jobsProblem, readCliArgs } from './invocation/cli-args';
import { expandSpecs, orderSpecFiles } from './spec-files';
import { readDurations } from './scheduling/duration-cache';
import { longestFirst } from './scheduling/longest-first';
import { filesOfShard, planShards } from './scheduling/shards';
import { type TypedCommand, typedCommand } from './invocation/seed-line';
import { detectLauncher, launchFacts, type LaunchFacts } from './invocation/launcher';
import { commandVariables } from './invocation/command-variables';
import { ciRunId, seedOfRun } from './ci-run';
import { shardPlanFile, writeShardPlan } from './scheduling/shard-plan';
import { configInUse, ignoredConfigFiles, readConfigFile } from './invocation/config-files';
import { epochNow, mainMarks } from './startup-marks';
import type { LeakCategory, LeakPolicy } from '../shared/leak-report';
import { ISOLATION_UI_FILE } from '../plugin-files';

export interface IsolationOptions {
  /** SQL file applied once per worker to a fresh database file (relative to the working directory). */
  schema?: string;
  /** Environment variable that receives the worker database path in every test, e.g. "APP_DB_PATH". */
  dbEnv?: string;
  /** How the worker database is emptied after a test: "auto" (default) or "delete"; see ISOLATION_DB_RESET. */
  dbReset?: 'auto' | 'delete';
  /**
   * What a test that leaves something behind gets, for every category or per category: "report" (default),
   * "fail", "off", or `{ default: 'report', rows: 'off' }`; see ISOLATION_LEAKS.
   */
  leaks?: LeakPolicy | Partial<Record<LeakCategory | 'default', LeakPolicy>>;
  /** "strict": process.env is compared after every test, not only after those that touch it; see ISOLATION_ENV. */
  env?: 'strict' | 'touched';
  /** "report": a promise rejected with nobody to handle it is named, its test not failed; see ISOLATION_REJECTIONS. */
  rejections?: 'fail' | 'report';
  /** "file": the project's modules that spec files load are fresh for every spec file; see ISOLATION_MODULES. */
  modules?: 'file' | 'worker';
  /** Project modules kept across files with modules "file" (globs relative to the working directory). */
  keepModules?: string[];
  /**
   * The command that starts mocha in this project, when the plugin cannot tell it (it finds tsx-like launchers,
   * node flags and npm scripts itself): e.g. "npx tsx node_modules/mocha/bin/mocha.js". Printed commands and
   * replay, bisect and repeat's runs start with it instead of `npx mocha`.
   */
  launcher?: string;
}

export interface MochaConfigInput {
  /**
   * A mocha config file whose options this one starts from (.mocharc.yml, .yaml, .json, .jsonc, .js, .cjs, read
   * by mocha's own loader, or package.json's "mocha" key); the options given beside it replace the file's.
   */
  extends?: string;
  spec?: string | string[];
  extension?: string[];
  parallel?: boolean;
  jobs?: number;
  isolation?: IsolationOptions;
  [mochaOption: string]: unknown;
}

export interface BuildContext {
  argv: readonly string[];
  env: Record<string, string | undefined>;
  cwd: string;
  cpus: number;
  /** Where the plan lines go (the shard line, a damaged cache). */
  print: (line: string) => void;
  /** How this process was started, to find the user's launcher (defineConfig reads it; tests give their own). */
  launch?: LaunchFacts;
}

const ISOLATION_OPTION_KEYS: ReadonlySet<string> = new Set([
  'schema',
  'dbEnv',
  'dbReset',
  'env',
  'rejections',
  'leaks',
  'modules',
  'keepModules',
  'launcher',
]);
const DEFAULT_EXTENSIONS = ['js', 'cjs', 'mjs', 'ts'];

/**
 * Decides the seed and the file order once, in the parent, and publishes them through the environment
 * (workers are forked later and inherit it). Files named on the command line replace the config's
 * `spec`: mocha would otherwise merge the two and run the whole suite plus those files.
 */
export function buildMochaConfig(input: MochaConfigInput, context: BuildContext): Record<string, unknown> {
  mainMarks.configAt ??= epochNow();
  const problems: string[] = [];
  const first = context.env[ENV.command] === undefined;
  const { extends: extended, ...given } = input;
  let fromFile: Record<string, unknown> = {};
  if (extended !== undefined) {
    try {
      fromFile = readConfigFile(extended, context.cwd);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  const merged = { ...fromFile, ...given } as MochaConfigInput;
  const { isolation = {}, spec, ui, ...mochaOptions } = merged;
  // Before anything below publishes the config's own options as variables: those are not what the user typed.
  if (context.env[ENV.command] === undefined) {
    const typed = typedCommand(context.env, ['node', 'mocha', ...context.argv]);
    const launch =
      context.launch === undefined && isolation.launcher === undefined
        ? undefined
        : detectLauncher(context.launch ?? launchFacts(), typed.args, isolation.launcher);
    const carried = commandVariables(context.launch?.typing);
    // An npm script's own assignments are in package.json already: printed as written there.
    const secrets = carried.secrets.filter((name) => launch?.env?.[name] === undefined);
    const env = { ...carried.values, ...launch?.env, ...typed.env };
    const command: TypedCommand =
      launch === undefined ? { ...typed, env } : { ...typed, launcher: launch.launcher, args: launch.args, env };
    context.env[ENV.command] = JSON.stringify(secrets.length === 0 ? command : { ...command, secrets });
  }

  for (const key of Object.keys(isolation)) {
    if (!ISOLATION_OPTION_KEYS.has(key)) {
      problems.push(`"isolation.${key}" is not an option of mocha-isolation. Use ${[...ISOLATION_OPTION_KEYS].join(', ')}.`);
    }
  }
  if (isolation.schema !== undefined && context.env[ENV.schema] === undefined) {
    context.env[ENV.schema] = path.resolve(context.cwd, isolation.schema);
  }
  if (isolation.dbEnv !== undefined && context.env[ENV.dbEnv] === undefined) {
    context.env[ENV.dbEnv] = isolation.dbEnv;
  }
  if (isolation.dbReset !== undefined && context.env[ENV.dbReset] === undefined) {
    context.env[ENV.dbReset] = String(isolation.dbReset);
  }

  if (isolation.env !== undefined && context.env[ENV.env] === undefined) {
    context.env[ENV.env] = String(isolation.env);
  }
  if (isolation.rejections !== undefined && context.env[ENV.rejections] === undefined) {
    context.env[ENV.rejections] = String(isolation.rejections);
  }
  if (isolation.modules !== undefined && context.env[ENV.modules] === undefined) {
    context.env[ENV.modules] = String(isolation.modules);
  }
  if (isolation.keepModules !== undefined && context.env[ENV.keepModules] === undefined) {
    context.env[ENV.keepModules] = isolation.keepModules.join(',');
  }
  if (isolation.leaks !== undefined && context.env[ENV.leaks] === undefined) {
    context.env[ENV.leaks] = leakSetting(isolation.leaks);
  }

  const { config, problems: envProblems } = parseConfig(context.env);
  const cli = readCliArgs(context.argv);
  problems.push(...envProblems);
  if (spec === undefined && cli.specs.length === 0)
    problems.push(
      `no "spec" in the mocha config${extended === undefined ? '' : ` or in ${extended}`}: name the spec files (spec: 'test/**/*.spec.ts').`,
    );
  if (first) warnIgnoredConfigs(context, cli.config, extended);
  const badJobs = jobsProblem(cli.jobs);
  if (badJobs) problems.push(badJobs);
  if (merged.jobs !== undefined && jobsProblem(String(merged.jobs))) {
    problems.push(
      `"jobs" in the mocha config must be a whole number of at least 1, got ${JSON.stringify(merged.jobs)}. Remove it to use one worker per CPU.`,
    );
  }
  if (config.shard !== undefined && cli.specs.length > 0) {
    problems.push(
      `"${ENV.shard}" splits the config's spec list, but files were named on the command line (${cli.specs.join(' ')}). Unset ${ENV.shard}, or name no files.`,
    );
  }
  if (problems.length > 0) throw configError(problems);

  // Every shard of one CI run must shuffle alike (merge refuses records of different seeds): without a seed
  // given, theirs comes from the CI run's id.
  const runId = config.shard === undefined ? undefined : ciRunId(context.env);
  const seed = config.seed ?? (runId === undefined ? chooseSeed() : seedOfRun(runId));
  context.env[ENV.seed] = String(seed);

  const parallel = cli.parallel ?? merged.parallel ?? true;
  if (typeof ui === 'string' && ui !== 'bdd') context.env[ENV.ui] ??= ui;
  const result: Record<string, unknown> = {
    ...mochaOptions,
    // The project's interface, wrapped so the plugin sees each spec file load (see hooks/isolation-ui.ts).
    ui: ISOLATION_UI_FILE,
    parallel: merged.parallel ?? true,
    // mocha's default is cores - 1, which leaves a 2-core machine with one worker.
    jobs: merged.jobs ?? context.cpus,
  };
  recordFileOrder(context.env, cli.specs.length > 0 ? 'named' : config.shuffle === 'off' ? 'declared' : 'shuffled');
  if (cli.specs.length === 0) {
    // A YAML or JSON file may give one extension as a string.
    const extension = mochaOptions.extension === undefined ? DEFAULT_EXTENSIONS : [mochaOptions.extension].flat().map(String);
    let files = expandSpecs(Array.isArray(spec) ? spec : [spec as string], extension, context.cwd);
    const durations =
      config.durations === undefined
        ? new Map<string, number>()
        : readDurations(path.resolve(context.cwd, config.durations), context.print);
    if (config.shard !== undefined) {
      const plan = planShards(files, durations, config.shard.total);
      files = filesOfShard(plan, config.shard);
      context.print(formatShardLine(config.shard, files.length, plan));
      // For the run report: every shard's expected load, and this one's files with what each was expected to take.
      context.env[ENV.shardPlan] = JSON.stringify({
        loads: plan.loads,
        files: Object.fromEntries(files.map((file) => [file, durations.get(file) ?? null])),
      });
      // For the run record: the whole plan, so that a merge of the shards' records can name a missing shard's files.
      try {
        writeShardPlan(shardPlanFile(config.durations, context.cwd, config.shard), {
          index: config.shard.index,
          total: config.shard.total,
          plan: plan.shards,
          expectedMs: plan.loads,
        });
      } catch (error) {
        context.print(
          `mocha-isolation: could not write the shard plan beside the run record (${(error as NodeJS.ErrnoException).code ?? error}); a merge of this run's shards cannot check that every shard reported.`,
        );
      }
    }
    files = orderSpecFiles(files, seed, config.shuffle !== 'off');
    // Serially the order costs nothing, so the seed alone decides it; in parallel the slowest files go first.
    result.spec = parallel ? longestFirst(files, durations) : files;
  }
  return result;
}

function formatShardLine(shard: { index: number; total: number }, count: number, plan: ReturnType<typeof planShards>): string {
  const seconds = ((plan.loads[shard.index - 1] ?? 0) / 1000).toFixed(1);
  const basis = plan.known === 0 ? 'no recorded durations: split by file count' : `${plan.known} files with recorded durations`;
  return `mocha-isolation: shard ${shard.index}/${shard.total}: ${count} of ${plan.shards.flat().length} files, ~${seconds} s expected (${basis}).`;
}

/** One line naming the config files mocha will not read (it reads one), with what to do. */
function warnIgnoredConfigs(context: BuildContext, given: string | undefined, extended: string | undefined): void {
  try {
    const used = configInUse(context.cwd, given);
    const ignored = ignoredConfigFiles(context.cwd, used, extended);
    if (used === undefined || ignored.length === 0) return;
    const name = path.relative(context.cwd, used) || used;
    context.print(
      `mocha-isolation: mocha reads one config file, ${name}, and ignores ${ignored.join(', ')}. Move ${ignored.length === 1 ? 'its' : 'their'} options into ${name}, ` +
        `read ${ignored.length === 1 ? 'it' : 'one'} from there with defineConfig({ extends: '${ignored[0]}', … }), or remove ${ignored.length === 1 ? 'it' : 'them'} (npx mocha-isolation init does this).`,
    );
  } catch {
    // A mocha without the config module's exports: nothing to say.
  }
}

/** Tells the seed line what happened to the file order, which only this helper decides. */
function recordFileOrder(env: Record<string, string | undefined>, files: NonNullable<TypedCommand['files']>): void {
  const command = JSON.parse(env[ENV.command] as string) as TypedCommand;
  env[ENV.command] = JSON.stringify({ ...command, files });
}

/** For .mocharc.cjs: `module.exports = defineConfig({ spec: 'test/*.spec.ts', isolation: { ... } })`. */
export function defineConfig(input: MochaConfigInput): Record<string, unknown> {
  try {
    return buildMochaConfig(input, {
      argv: process.argv.slice(2),
      env: process.env,
      cwd: process.cwd(),
      cpus: os.availableParallelism(),
      print: (line) => process.stderr.write(`${line}\n`),
      launch: launchFacts(),
    });
  } catch (error) {
    if (!(error instanceof IsolationError)) throw error;
    // Thrown from a config file, mocha would wrap this in "Unable to read/parse" and a stack of its own.
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

/** `isolation.leaks` as ISOLATION_LEAKS: the default first, then one category=policy per exception. */
function leakSetting(leaks: NonNullable<IsolationOptions['leaks']>): string {
  if (typeof leaks !== 'object' || leaks === null) return String(leaks);
  const { default: all, ...byCategory } = leaks;
  return [all ?? 'report', ...Object.entries(byCategory).map(([category, policy]) => `${category}=${String(policy)}`)].join(',');
}
