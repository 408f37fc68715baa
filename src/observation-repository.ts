// Data access for observations and the running per-segment totals the triggers in schema.sql keep.
// Parameterized SQL only.

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
    'INSERT INTO observations (segment_id, travel_time_s, observed_at, confidence, client_id, batch_key) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const bySegment = db.prepare<[string, number], ObservationRow>(
    'SELECT segment_id, travel_time_s, observed_at, confidence FROM observations WHERE segment_id = ? AND confidence >= ? ORDER BY id',
  );
  const count = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM observations');
  const means = db.prepare<[], { segment_id: string; mean_s: number }>('SELECT segment_id, sum_s / n AS mean_s FROM segment_totals');
  const totalsThreshold = db.prepare<[], { min_conf: number }>('SELECT min_conf FROM aggregate_state WHERE id = 1');
  const rebuildTotals = db.transaction((minConf: number) => {
    db.prepare('INSERT INTO aggregate_state (id, min_conf) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET min_conf = excluded.min_conf').run(
      minConf,
    );
    db.prepare('DELETE FROM segment_totals').run();
    db.prepare(
      'INSERT INTO segment_totals (segment_id, sum_s, n) SELECT segment_id, SUM(travel_time_s), COUNT(*) FROM observations WHERE confidence >= ? GROUP BY segment_id',
    ).run(minConf);
  });
  const toObservation = (row: ObservationRow): Observation => ({
    segmentId: row.segment_id,
    travelTimeS: row.travel_time_s,
    observedAt: row.observed_at,
    confidence: row.confidence,
  });
  return {
    addMany(observations: readonly Observation[], clientId: string, batchKey: string): void {
      for (const o of observations) insert.run(o.segmentId, o.travelTimeS, o.observedAt, o.confidence, clientId, batchKey);
    },
    /** A segment's observations at or above `minConfidence`, in the order they were stored. */
    forSegment: (segmentId: string, minConfidence = 0): Observation[] => bySegment.all(segmentId, minConfidence).map(toObservation),
    count: (): number => (count.get() as { n: number }).n,
    /**
     * Mean travel time per segment over the observations at or above `minConfidence`, from the running totals.
     * The totals are rebuilt once (one pass over the observations) when they were kept for another threshold.
     */
    segmentMeans(minConfidence: number): Map<string, number> {
      if (totalsThreshold.get()?.min_conf !== minConfidence) rebuildTotals.immediate(minConfidence);
      return new Map(means.all().map((row) => [row.segment_id, row.mean_s]));
    },
  };
}

export type ObservationRepository = ReturnType<typeof createObservationRepository>;
