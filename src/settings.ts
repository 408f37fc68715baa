// The service's settings: read and validated from the environment in one place, through one schema (env-schema).
// loadSettings(env) is pure; getSettings() is the cached, old-style accessor kept for the server entry point.

import envSchema from 'env-schema';
import { type Static, Type } from 'typebox';
import { settingsProblems } from './settings-problems';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** BMTC_API_CLIENTS: `name=token` entries separated by commas, each token at least 8 characters. */
const CLIENT_ENTRY = '[\\w.-]{1,64}=[^,]{8,}';
const CLIENT_LIST = `^(${CLIENT_ENTRY}(,${CLIENT_ENTRY})*)?$`;

/**
 * Every variable the service reads, with its default and range. The messages built from it (settings-problems.ts)
 * name the variable and the range; a string variable's `description` says what it must be, in words.
 */
export const ENV_SCHEMA = Type.Object({
  BMTC_N0: Type.Number({ minimum: 0, maximum: 1e6, default: 5 }),
  BMTC_HALF_LIFE_DAYS: Type.Number({ exclusiveMinimum: 0, maximum: 3650, default: 14 }),
  BMTC_OUTLIER_SIGMA: Type.Number({ exclusiveMinimum: 0, maximum: 100, default: 3 }),
  BMTC_MAPMATCH_MIN_CONF: Type.Number({ minimum: 0, maximum: 1, default: 0.6 }),
  BMTC_MAX_TRAVEL_TIME_S: Type.Number({ exclusiveMinimum: 0, maximum: 604_800, default: 86_400 }),
  BMTC_MAX_CLOCK_SKEW_S: Type.Number({ minimum: 0, maximum: 86_400, default: 300 }),
  BMTC_IDEMPOTENCY_TTL_S: Type.Integer({ minimum: 1, maximum: 30 * 86_400, default: 86_400 }),
  BMTC_RATE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 600 }),
  BMTC_API_KEY: Type.String({ minLength: 8, description: 'set to a secret of at least 8 characters' }),
  BMTC_API_CLIENTS: Type.String({
    pattern: CLIENT_LIST,
    default: '',
    description: 'a comma-separated list of name=token (name: letters, digits, "_", "-" or "."; token: 8 or more characters)',
  }),
  BMTC_DB_PATH: Type.String({ minLength: 1, default: 'bmtc.sqlite' }),
  BMTC_LOG_LEVEL: Type.Enum([...LOG_LEVELS], { default: 'info' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65_535, default: 8080 }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
});
type Env = Static<typeof ENV_SCHEMA>;

export interface Settings {
  /** Prior strength: how many observations' worth of weight the global prior gets. */
  n0: number;
  halfLifeDays: number;
  outlierSigma: number;
  mapmatchMinConf: number;
  /** Longest plausible travel time of one observation (s): anything longer is refused, not averaged in. */
  maxTravelTimeS: number;
  /** How far after the server's clock an observation may be stamped (s): clocks drift, the future does not. */
  maxClockSkewS: number;
  /** How long an Idempotency-Key is remembered (s): a retry after that is a new batch. */
  idempotencyTtlS: number;
  /** Requests per minute per client (by token; by address before authentication); 0 turns the limit off. */
  rateLimitPerMinute: number;
  /** The token of the client named "default" (BMTC_API_KEY). */
  apiKey: string;
  /** More clients, by name (BMTC_API_CLIENTS): each has its own token and its own idempotency keys. */
  clients: Readonly<Record<string, string>>;
  dbPath: string;
  /** Where the server entry listens. */
  port: number;
  host: string;
  /** fastify's log level (BMTC_LOG_LEVEL): fatal, error, warn, info, debug, trace or silent. */
  logLevel: LogLevel;
}

export const DEFAULT_DB_PATH = 'bmtc.sqlite';
export const DEFAULT_CLIENT = 'default';

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SettingsError';
  }
}

export function loadSettings(env: NodeJS.ProcessEnv): Settings {
  // Only the schema's variables, and a blank one counts as unset (`PORT= npm start` means the default).
  const given: Record<string, string> = {};
  for (const name of Object.keys(ENV_SCHEMA.properties)) {
    const raw = env[name];
    if (raw !== undefined && raw.trim() !== '') given[name] = raw;
  }
  let parsed: Env;
  try {
    parsed = envSchema<Env>({ schema: ENV_SCHEMA, data: given, env: false, dotenv: false });
  } catch (error) {
    const errors = (error as { errors?: unknown }).errors;
    if (!Array.isArray(errors)) throw error;
    throw new SettingsError(settingsProblems(ENV_SCHEMA, errors, given));
  }
  const clients = parseClients(parsed.BMTC_API_CLIENTS, parsed.BMTC_API_KEY);
  return {
    n0: parsed.BMTC_N0,
    halfLifeDays: parsed.BMTC_HALF_LIFE_DAYS,
    outlierSigma: parsed.BMTC_OUTLIER_SIGMA,
    mapmatchMinConf: parsed.BMTC_MAPMATCH_MIN_CONF,
    maxTravelTimeS: parsed.BMTC_MAX_TRAVEL_TIME_S,
    maxClockSkewS: parsed.BMTC_MAX_CLOCK_SKEW_S,
    idempotencyTtlS: parsed.BMTC_IDEMPOTENCY_TTL_S,
    rateLimitPerMinute: parsed.BMTC_RATE_LIMIT_PER_MINUTE,
    apiKey: parsed.BMTC_API_KEY,
    clients,
    dbPath: parsed.BMTC_DB_PATH,
    port: parsed.PORT,
    host: parsed.HOST,
    logLevel: parsed.BMTC_LOG_LEVEL,
  };
}

/** BMTC_API_CLIENTS as name -> token; a name or a token twice (or BMTC_API_KEY's) would make a client ambiguous. */
function parseClients(list: string, defaultToken: string): Record<string, string> {
  const clients: Record<string, string> = {};
  const tokens = new Set([defaultToken]);
  for (const entry of list === '' ? [] : list.split(',')) {
    const [name, token] = entry.split(/=(.*)/s) as [string, string];
    if (name === DEFAULT_CLIENT || name in clients) {
      throw new SettingsError([
        `BMTC_API_CLIENTS names the client "${name}" twice (the client "${DEFAULT_CLIENT}" is BMTC_API_KEY's): give each client one entry.`,
      ]);
    }
    if (tokens.has(token))
      throw new SettingsError([`BMTC_API_CLIENTS gives the client "${name}" a token another client has: give each client its own token.`]);
    tokens.add(token);
    clients[name] = token;
  }
  return clients;
}

let cached: Settings | undefined;

/** The process-wide settings, read once. Only the server entry point uses it; everything else is given settings. */
export function getSettings(): Settings {
  return (cached ??= loadSettings(process.env));
}

export function resetSettingsCache(): void {
  cached = undefined;
}
