// What the user typed after `mocha`, read with mocha's own parser. Runs in: main process (from .mocharc.cjs).

// mocha has no public API for this; its parser is the only way to agree with it on every flag's arity.
import { parseMochaArgs } from '../../shared/mocha-internals';

export interface CliArgs {
  /** Files and globs named on the command line (positionally or with --spec). */
  specs: string[];
  /** The raw value given to -j/--jobs, if any. */
  jobs: string | undefined;
  /** false for --no-parallel, true for --parallel, undefined when not given. */
  parallel: boolean | undefined;
  /** The --config file named, if any. */
  config?: string | undefined;
}

export function readCliArgs(argv: readonly string[]): CliArgs {
  const parsed = parseMochaArgs(argv.slice());
  // Like mocha, the last -j/--jobs wins.
  const jobsIndex = argv.findLastIndex((arg) => /^(-j|--jobs)(=|$)/.test(arg));
  const jobsArg = argv[jobsIndex];
  const jobs = jobsIndex < 0 || jobsArg === undefined ? undefined : jobsArg.includes('=') ? jobsArg.split('=')[1] : argv[jobsIndex + 1];
  const config =
    typeof (parsed as { config?: unknown }).config === 'string' ? ((parsed as { config?: string }).config as string) : undefined;
  return { specs: [...parsed._.map(String), ...(parsed.spec ?? [])], jobs, parallel: parsed.parallel, config };
}

export function jobsProblem(jobs: string | undefined): string | undefined {
  if (jobs === undefined || /^[1-9]\d*$/.test(jobs)) return undefined;
  return `"--jobs" must be a whole number of workers of at least 1, got "${jobs}". Use -j 1 for one worker, or --no-parallel to run in this process.`;
}
