// Idempotent ingestion: store a checked batch and its response in one transaction, all or nothing, once per
// client and Idempotency-Key while the key is remembered. The body's shape is checked by the route's schema.

import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { IdempotencyRepository } from './idempotency-repository';
import type { Observation } from './learning';
import type { ObservationRepository } from './observation-repository';
import type { ObservationBatch } from './schemas';
import { ValidationError } from './validation-errors';

export interface IngestResult {
  status: number;
  body: { accepted: number } | { error: string };
  replayed: boolean;
}

export interface IngestLimits {
  /** How far after the server's clock an observation may be stamped (s). */
  maxClockSkewS: number;
  /** How long a key is remembered (s). */
  idempotencyTtlS: number;
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

/** What no schema can say: an observation cannot be stamped later than the server's clock allows. */
function toObservations(body: ObservationBatch, maxClockSkewS: number, now: number): Observation[] {
  return body.observations.map((item, i) => {
    const observedAt = Date.parse(item.observed_at);
    if (Number.isNaN(observedAt))
      throw new ValidationError(`observations[${i}].observed_at must be an ISO 8601 timestamp with a zone, such as 2026-06-01T12:00:00Z`);
    if (observedAt > now + maxClockSkewS * 1000) {
      throw new ValidationError(
        `observations[${i}].observed_at is more than ${maxClockSkewS} s after the server's clock: an observation cannot come from the future`,
      );
    }
    return { segmentId: item.segment_id, travelTimeS: item.travel_time_s, observedAt, confidence: item.confidence };
  });
}

export type IngestService = ReturnType<typeof createIngestService>;

export function createIngestService(
  db: Database,
  repositories: { observations: ObservationRepository; keys: IdempotencyRepository },
  now: () => number,
  limits: IngestLimits,
) {
  const { observations, keys } = repositories;
  const store = db.transaction((clientId: string, key: string, bodyHash: string, batch: Observation[], at: number): IngestResult => {
    keys.forgetSavedBefore(at - limits.idempotencyTtlS * 1000);
    const previous = keys.find(clientId, key);
    if (previous !== undefined) {
      if (previous.bodyHash !== bodyHash) {
        return { status: 409, body: { error: 'Idempotency-Key was already used with a different body' }, replayed: false };
      }
      return { status: previous.status, body: previous.response as IngestResult['body'], replayed: true };
    }
    const response = { accepted: batch.length };
    keys.save(clientId, key, { bodyHash, status: 201, response }, at);
    observations.addMany(batch, clientId, key);
    return { status: 201, body: response, replayed: false };
  });
  return {
    ingest(clientId: string, key: string, body: ObservationBatch): IngestResult {
      const at = now();
      const batch = toObservations(body, limits.maxClockSkewS, at);
      // The body in canonical form: formatting and key order in a retried request are not a different body.
      const bodyHash = createHash('sha256').update(canonicalJson(body)).digest('hex');
      // IMMEDIATE: the write lock is taken before the key is looked up, so two processes sending one key at the
      // same moment store one batch and both answer with it (in a deferred one both read "no such key", and
      // the second then fails on the key instead of replaying).
      return store.immediate(clientId, key, bodyHash, batch, at);
    },
  };
}
