// Idempotent ingestion: validate a batch, then store it and its response in one transaction, all or nothing.

import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { createIdempotencyRepository } from './idempotency-repository';
import type { Observation } from './learning';
import { createObservationRepository } from './observation-repository';

export const MAX_BATCH = 1000;

export interface IngestResult {
  status: number;
  body: unknown;
  replayed: boolean;
}

export class ValidationError extends Error {}

export function parseBatch(body: unknown): Observation[] {
  const items = (body as { observations?: unknown } | null)?.observations;
  if (!Array.isArray(items) || items.length === 0 || items.length > MAX_BATCH) {
    throw new ValidationError(`"observations" must be an array of 1 to ${MAX_BATCH} items`);
  }
  return items.map((item: Record<string, unknown>, i) => {
    const at = `observations[${i}]`;
    if (typeof item !== 'object' || item === null) throw new ValidationError(`${at} must be an object`);
    const { segment_id, travel_time_s, observed_at, confidence } = item;
    if (typeof segment_id !== 'string' || !/^[\w.-]{1,64}$/.test(segment_id)) throw new ValidationError(`${at}.segment_id must be 1-64 letters, digits, "_", "-" or "."`);
    if (typeof travel_time_s !== 'number' || !(travel_time_s > 0) || !Number.isFinite(travel_time_s)) throw new ValidationError(`${at}.travel_time_s must be a positive number`);
    const observedAt = typeof observed_at === 'string' ? Date.parse(observed_at) : NaN;
    if (Number.isNaN(observedAt)) throw new ValidationError(`${at}.observed_at must be an ISO 8601 date`);
    if (typeof confidence !== 'number' || !(confidence >= 0 && confidence <= 1)) throw new ValidationError(`${at}.confidence must be a number from 0 to 1`);
    return { segmentId: segment_id, travelTimeS: travel_time_s, observedAt, confidence };
  });
}

export function createIngestService(db: Database, now: () => number = Date.now) {
  const observations = createObservationRepository(db);
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
      const batch = parseBatch(body);
      // The parsed body re-serialized: formatting differences in a retried request are not a different body.
      return ingest(key, createHash('sha256').update(JSON.stringify(body)).digest('hex'), batch);
    },
  };
}
