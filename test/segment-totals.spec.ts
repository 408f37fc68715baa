// The running per-segment totals behind /aggregate and every estimate's prior (issue 11): kept by triggers, so
// they always equal a full pass over the observations, for the app's map-matching threshold.
import { expect } from 'chai';
import type { Database } from 'better-sqlite3';
import { memoryDb } from '../hooks';
import { createObservationRepository } from '../src/observation-repository';

function fullPass(db: Database, minConf: number): Map<string, number> {
  const rows = db
    .prepare('SELECT segment_id, AVG(travel_time_s) AS mean FROM observations WHERE confidence >= ? GROUP BY segment_id')
    .all(minConf) as { segment_id: string; mean: number }[];
  return new Map(rows.map((r) => [r.segment_id, r.mean]));
}

describe('segment totals', () => {
  const seen = (segmentId: string, travelTimeS: number, confidence = 0.9) => ({ segmentId, travelTimeS, observedAt: 0, confidence });

  it('equal a full pass over the observations after every batch', () => {
    const db = memoryDb();
    const repository = createObservationRepository(db);
    expect(repository.segmentMeans(0.6)).to.deep.equal(new Map());
    repository.addMany([seen('a', 100), seen('a', 120), seen('b', 300, 0.3)], 'default', 'batch-1');
    expect(repository.segmentMeans(0.6)).to.deep.equal(fullPass(db, 0.6));
    repository.addMany([seen('b', 200), seen('c', 50, 0.6)], 'default', 'batch-2');
    expect(repository.segmentMeans(0.6)).to.deep.equal(
      new Map([
        ['a', 110],
        ['b', 200],
        ['c', 50],
      ]),
    );
  });

  it('are rebuilt once for another threshold, including rows stored before any read', () => {
    const db = memoryDb();
    const repository = createObservationRepository(db);
    repository.addMany([seen('a', 100, 0.95), seen('a', 300, 0.7)], 'default', 'batch-1');
    expect(repository.segmentMeans(0.9)).to.deep.equal(new Map([['a', 100]]));
    expect(repository.segmentMeans(0.5)).to.deep.equal(new Map([['a', 200]]));
  });

  it('follow deleted observations (a retention job), and drop a segment with none left', () => {
    const db = memoryDb();
    const repository = createObservationRepository(db);
    repository.segmentMeans(0.6);
    repository.addMany([seen('a', 100), seen('a', 300), seen('b', 50)], 'default', 'batch-1');
    db.prepare("DELETE FROM observations WHERE travel_time_s = 300 OR segment_id = 'b'").run();
    expect(repository.segmentMeans(0.6)).to.deep.equal(new Map([['a', 100]]));
    expect(repository.segmentMeans(0.6)).to.deep.equal(fullPass(db, 0.6));
  });
});
