import { expect } from 'chai';
import { memoryDb } from '../hooks';
import { ageWeight, segmentEstimate, type Observation } from '../src/learning';
import { createObservationRepository } from '../src/observation-repository';
import { isolation } from './isolation';

const NOW = Date.parse('2026-01-31T00:00:00Z');
const DAY = 86_400_000;
const seen = (travelTimeS: number, daysAgo = 0, confidence = 0.9): Observation => ({
  segmentId: 'seg-1',
  travelTimeS,
  observedAt: NOW - daysAgo * DAY,
  confidence,
});

describe('learning', () => {
  it('gives a fresh observation full weight', () => {
    expect(ageWeight(0, 14)).to.equal(1);
  });

  it('halves the weight of an observation every half-life', () => {
    expect(ageWeight(14, 14)).to.be.closeTo(0.5, 1e-12);
    expect(ageWeight(28, 14)).to.be.closeTo(0.25, 1e-12);
  });

  it('returns the prior when a segment has no observations', () => {
    const estimate = segmentEstimate([], 120, isolation.settings(), NOW);
    expect(estimate).to.deep.equal({ estimateS: 120, weight: 0, used: 0 });
  });

  it('shrinks a single observation toward the prior with strength n0', () => {
    const estimate = segmentEstimate([seen(200)], 100, isolation.settings({ n0: 1 }), NOW);
    expect(estimate.estimateS).to.be.closeTo(150, 1e-9);
  });

  it('pulls harder toward the prior as n0 grows', function () {
    this.settings.n0 = 9;
    const strong = segmentEstimate([seen(200)], 100, this.settings, NOW).estimateS;
    expect(strong).to.be.closeTo(110, 1e-9);
  });

  it('weights recent observations more than old ones', () => {
    const settings = isolation.settings({ n0: 0, halfLifeDays: 7 });
    const estimate = segmentEstimate([seen(100, 0), seen(300, 7)], 0, settings, NOW);
    expect(estimate.estimateS).to.be.closeTo((100 + 0.5 * 300) / 1.5, 1e-9);
  });

  it('ignores observations below mapmatch_min_conf', () => {
    const settings = isolation.settings({ n0: 0, mapmatchMinConf: 0.8 });
    const estimate = segmentEstimate([seen(100, 0, 0.95), seen(900, 0, 0.5)], 0, settings, NOW);
    expect(estimate).to.deep.include({ estimateS: 100, used: 1 });
  });

  it('stores and reads back observations in a private :memory: database', () => {
    const db = memoryDb();
    const repository = createObservationRepository(db);
    repository.addMany([seen(100), seen(140, 1)], 'default', 'batch-0001');
    expect(repository.forSegment('seg-1').map((o) => o.travelTimeS)).to.deep.equal([100, 140]);
  });

  it('starts every test with an empty :memory: database', () => {
    const repository = createObservationRepository(memoryDb());
    expect(repository.count()).to.equal(0);
  });
});
