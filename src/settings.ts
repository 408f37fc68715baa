// The service's settings: read and validated from the environment in one place.
// loadSettings(env) is pure; getSettings() is the cached, old-style accessor kept for the server entry point.

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
  apiKey: string;
  dbPath: string;
  /** Where the server entry listens. */
  port: number;
  host: string;
  /** fastify's log level (BMTC_LOG_LEVEL): fatal, error, warn, info, debug, trace or silent. */
  logLevel: LogLevel;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

interface NumberSetting {
  key: 'n0' | 'halfLifeDays' | 'outlierSigma' | 'mapmatchMinConf' | 'maxTravelTimeS' | 'maxClockSkewS' | 'port';
  variable: string;
  fallback: number;
  min: number;
  max: number;
  minExclusive: boolean;
  integer?: boolean;
}

const NUMBER_SETTINGS: readonly NumberSetting[] = [
  { key: 'n0', variable: 'BMTC_N0', fallback: 5, min: 0, max: 1e6, minExclusive: false },
  { key: 'halfLifeDays', variable: 'BMTC_HALF_LIFE_DAYS', fallback: 14, min: 0, max: 3650, minExclusive: true },
  { key: 'outlierSigma', variable: 'BMTC_OUTLIER_SIGMA', fallback: 3, min: 0, max: 100, minExclusive: true },
  { key: 'mapmatchMinConf', variable: 'BMTC_MAPMATCH_MIN_CONF', fallback: 0.6, min: 0, max: 1, minExclusive: false },
  { key: 'maxTravelTimeS', variable: 'BMTC_MAX_TRAVEL_TIME_S', fallback: 86_400, min: 0, max: 604_800, minExclusive: true },
  { key: 'maxClockSkewS', variable: 'BMTC_MAX_CLOCK_SKEW_S', fallback: 300, min: 0, max: 86_400, minExclusive: false },
  { key: 'port', variable: 'PORT', fallback: 8080, min: 0, max: 65_535, minExclusive: false, integer: true },
];

export const DEFAULT_DB_PATH = 'bmtc.sqlite';

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SettingsError';
  }
}

export function loadSettings(env: NodeJS.ProcessEnv): Settings {
  const problems: string[] = [];
  const numbers: Partial<Record<NumberSetting['key'], number>> = {};
  for (const setting of NUMBER_SETTINGS) {
    const raw = env[setting.variable];
    const value = raw === undefined || raw.trim() === '' ? setting.fallback : Number(raw);
    const tooLow = setting.minExclusive ? value <= setting.min : value < setting.min;
    if (!Number.isFinite(value) || tooLow || value > setting.max || (setting.integer === true && !Number.isInteger(value))) {
      const low = setting.minExclusive ? `greater than ${setting.min}` : `at least ${setting.min}`;
      problems.push(`${setting.variable} must be a ${setting.integer === true ? 'whole number' : 'number'} ${low} and at most ${setting.max}, got "${raw}".`);
    }
    numbers[setting.key] = value;
  }
  const apiKey = env.BMTC_API_KEY ?? '';
  if (apiKey.length < 8) {
    problems.push(`BMTC_API_KEY must be set to a secret of at least 8 characters, got ${apiKey === '' ? 'nothing' : `${apiKey.length} characters`}.`);
  }
  const logLevel = (env.BMTC_LOG_LEVEL || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`BMTC_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.BMTC_LOG_LEVEL}".`);
  if (problems.length > 0) throw new SettingsError(problems);
  return {
    n0: numbers.n0 as number,
    halfLifeDays: numbers.halfLifeDays as number,
    outlierSigma: numbers.outlierSigma as number,
    mapmatchMinConf: numbers.mapmatchMinConf as number,
    maxTravelTimeS: numbers.maxTravelTimeS as number,
    maxClockSkewS: numbers.maxClockSkewS as number,
    apiKey,
    dbPath: env.BMTC_DB_PATH || DEFAULT_DB_PATH,
    port: numbers.port as number,
    host: env.HOST || '127.0.0.1',
    logLevel,
  };
}

let cached: Settings | undefined;

/** The process-wide settings, read once. Only the server entry point uses it; everything else is given settings. */
export function getSettings(): Settings {
  return (cached ??= loadSettings(process.env));
}

export function resetSettingsCache(): void {
  cached = undefined;
}
