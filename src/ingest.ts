// Idempotent ingestion: validate a batch, then store it and its response in one transaction, all or nothing.

import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { createIdempotencyRepository } from './idempotency-repository';
import type { Observation } from './learning';
import type { ObservationRepository } from './observation-repository';

export const MAX_BATCH = 1000;

export interface IngestResult {
  status: number;
  body: unknown;
  replayed: boolean;
}

export class ValidationError extends Error {}

/** What a real observation can be: no travel time longer than this, no timestamp further in the future. */
export interface ObservationLimits {
  maxTravelTimeS: number;
  maxClockSkewS: number;
  /** The server's clock (ms since the epoch). */
  now: number;
}

const DEFAULT_LIMITS: ObservationLimits = { maxTravelTimeS: 86_400, maxClockSkewS: 300, now: Number.POSITIVE_INFINITY };
// A full date and time with a zone: "1", "2026" or a date without a time are not timestamps of an observation.
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export function parseBatch(body: unknown, limits: ObservationLimits = DEFAULT_LIMITS): Observation[] {
  const items = (body as { observations?: unknown } | null)?.observations;
  if (!Array.isArray(items) || items.length === 0 || items.length > MAX_BATCH) {
    throw new ValidationError(`"observations" must be an array of 1 to ${MAX_BATCH} items`);
  }
  return items.map((item: Record<string, unknown>, i) => {
    const at = `observations[${i}]`;
    if (typeof item !== 'object' || item === null) throw new ValidationError(`${at} must be an object`);
    const { segment_id, travel_time_s, observed_at, confidence } = item;
    if (typeof segment_id !== 'string' || !/^[\w.-]{1,64}$/.test(segment_id)) throw new ValidationError(`${at}.segment_id must be 1-64 letters, digits, "_", "-" or "."`);
    if (typeof travel_time_s !== 'number' || !(travel_time_s > 0) || !(travel_time_s <= limits.maxTravelTimeS)) {
      throw new ValidationError(`${at}.travel_time_s must be a number of seconds greater than 0 and at most ${limits.maxTravelTimeS}`);
    }
    const observedAt = typeof observed_at === 'string' && ISO_TIMESTAMP.test(observed_at) ? Date.parse(observed_at) : NaN;
    if (Number.isNaN(observedAt)) throw new ValidationError(`${at}.observed_at must be an ISO 8601 timestamp with a zone, such as 2026-06-01T12:00:00Z`);
    if (observedAt > limits.now + limits.maxClockSkewS * 1000) {
      throw new ValidationError(`${at}.observed_at is more than ${limits.maxClockSkewS} s after the server's clock: an observation cannot come from the future`);
    }
    if (typeof confidence !== 'number' || !(confidence >= 0 && confidence <= 1)) throw new ValidationError(`${at}.confidence must be a number from 0 to 1`);
    return { segmentId: segment_id, travelTimeS: travel_time_s, observedAt, confidence };
  });
}

/** The body with every object's keys in order: the same content sent with its keys in another order is the same body. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export type IngestService = ReturnType<typeof createIngestService>;

/** `observations`: the app's one repository instance (the estimates read through the same one). */
export function createIngestService(db: Database, observations: ObservationRepository, now: () => number = Date.now, limits: Omit<ObservationLimits, 'now'> = DEFAULT_LIMITS) {
  const keys = createIdempotencyRepository(db);
  const ingest = db.transaction((key: string, bodyHash: string, batch: Observation[]): IngestResult => {
    const previous = keys.find(key);
    if (previous !== undefined) {
      if (previous.bodyHash !== bodyHash) {
        return { status: 409, body: { error: 'Idempotency-Key was already used with a different body' }, replayed: false };
      }
      return { status: previous.status, body: previous.response, replayed: true };
    }
    const response = { accepted: batch.length };
    keys.save(key, { bodyHash, status: 201, response }, now());
    observations.addMany(batch, key);
    return { status: 201, body: response, replayed: false };
  });
  return {
    ingest(key: string, body: unknown): IngestResult {
      const batch = parseBatch(body, { ...limits, now: now() });
      // The body in canonical form: formatting and key order in a retried request are not a different body.
      return ingest(key, createHash('sha256').update(canonicalJson(body)).digest('hex'), batch);
    },
  };
}
