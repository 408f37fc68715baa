// Data access for observations. Parameterized SQL only.

import type { Database } from 'better-sqlite3';
import type { Observation } from './learning';

interface ObservationRow {
  segment_id: string;
  travel_time_s: number;
  observed_at: number;
  confidence: number;
}

export function createObservationRepository(db: Database) {
  const insert = db.prepare(
    'INSERT INTO observations (segment_id, travel_time_s, observed_at, confidence, batch_key) VALUES (?, ?, ?, ?, ?)',
  );
  const bySegment = db.prepare<[string], ObservationRow>(
    'SELECT segment_id, travel_time_s, observed_at, confidence FROM observations WHERE segment_id = ? ORDER BY id',
  );
  const all = db.prepare<[], ObservationRow>('SELECT segment_id, travel_time_s, observed_at, confidence FROM observations ORDER BY id');
  const count = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM observations');
  const toObservation = (row: ObservationRow): Observation => ({
    segmentId: row.segment_id,
    travelTimeS: row.travel_time_s,
    observedAt: row.observed_at,
    confidence: row.confidence,
  });
  return {
    addMany(observations: readonly Observation[], batchKey: string): void {
      for (const o of observations) insert.run(o.segmentId, o.travelTimeS, o.observedAt, o.confidence, batchKey);
    },
    forSegment: (segmentId: string): Observation[] => bySegment.all(segmentId).map(toObservation),
    all: (): Observation[] => all.all().map(toObservation),
    count: (): number => (count.get() as { n: number }).n,
  };
}

export type ObservationRepository = ReturnType<typeof createObservationRepository>;
