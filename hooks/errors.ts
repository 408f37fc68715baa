// The plugin's error catalogue. Runs in: any process.
// Every error the plugin raises has one of these codes; docs/errors.md has a row for each (checked by a test).

export const ERROR_CODES = {
  ERR_ISOLATION_CONFIG: 'A plugin environment variable or option has a bad value',
  ERR_ISOLATION_UNKNOWN_OPTION:
    'defineIsolation() got an option it does not know (unknown ISOLATION_* variables and isolation.* options are ERR_ISOLATION_CONFIG)',
  ERR_ISOLATION_UNKNOWN_SETTING: 'A per-test settings override names a key the settings object does not have',
  ERR_ISOLATION_SCHEMA: 'The database schema failed to apply',
  ERR_ISOLATION_RUN_FOLDER: 'The run folder could not be created or written',
  ERR_ISOLATION_OUTSIDE_TEST: "A per-test helper was called outside a test and outside a file's hooks",
  ERR_ISOLATION_NOT_DEFINED: 'settings() was used but no project wiring called defineIsolation()',
  ERR_ISOLATION_LEAK: 'With ISOLATION_LEAKS=fail, a test left something behind (variables, servers, handles, listeners)',
  ERR_ISOLATION_DB_TRANSACTION: 'A test ran BEGIN on workerDb() inside the savepoint the plugin rolls back',
  ERR_ISOLATION_PROCESS_EXIT: 'A test or hook called process.exit(), which would have ended the run',
  ERR_ISOLATION_UNHANDLED_REJECTION: 'A promise was rejected and nobody handled it while a test ran',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class IsolationError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'IsolationError';
    this.code = code;
    this.details = details;
  }
}

/**
 * Configuration problems are reported all at once and without a stack trace: the trace points into the
 * plugin, while the fix is always in the user's configuration.
 */
export function configError(problems: readonly string[], code: ErrorCode = 'ERR_ISOLATION_CONFIG'): IsolationError {
  const message =
    problems.length === 1
      ? `mocha-isolation: ${problems[0]}`
      : `mocha-isolation found ${problems.length} configuration problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`;
  const error = new IsolationError(code, message, { problems });
  error.stack = `${error.name} [${code}]: ${message}`;
  return error;
}

/** How a thrown value reads in a message (a rejection's reason, a load error, a dying worker's last words). */
export function describeReason(reason: unknown): string {
  if (reason instanceof Error) return reason.message === '' ? `${reason.name} (with no message)` : `${reason.name}: ${reason.message}`;
  return reason === undefined ? 'undefined (rejected with no reason)' : String(reason);
}
