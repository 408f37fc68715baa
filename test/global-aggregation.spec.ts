import { expect } from 'chai';
import type { FastifyInstance } from 'fastify';
import { workerDb } from '../hooks';
import { globalAggregate } from '../src/aggregation';
import { isolation } from './isolation';
import { startApp } from './support/app-under-test';
import { observation, type createClient } from './support/client';

const TYPICAL = [100, 104, 98, 102, 101, 99];

describe('global aggregation', () => {
  describe('outlier rejection', () => {
    it('averages segments that agree', () => {
      expect(globalAggregate([120, 120, 120], isolation.settings().outlierSigma)).to.deep.equal({ meanS: 120, kept: 3, rejected: [] });
    });

    it('rejects a segment beyond outlier_sigma robust deviations', () => {
      const result = globalAggregate([...TYPICAL, 900], isolation.settings().outlierSigma);
      expect(result?.rejected).to.deep.equal([900]);
      expect(result?.meanS).to.be.closeTo(100.667, 1e-3);
    });

    it('keeps a segment within outlier_sigma', () => {
      const result = globalAggregate([...TYPICAL, 104.5], isolation.settings().outlierSigma);
      expect(result?.rejected).to.deep.equal([]);
      expect(result?.kept).to.equal(7);
    });

    it('rejects more with a stricter outlier_sigma from a per-test override', () => {
      const values = [...TYPICAL, 106];
      expect(globalAggregate(values, isolation.settings().outlierSigma)?.rejected).to.deep.equal([]);
      expect(globalAggregate(values, isolation.settings({ outlierSigma: 1 }).outlierSigma)?.rejected).to.deep.equal([98, 104, 106]);
    });

    it('still sees the default outlier_sigma after another test overrode it', function () {
      expect(this.settings.outlierSigma).to.equal(3);
    });

    it('catches a lone outlier among identical segments', () => {
      expect(globalAggregate([50, 50, 50, 50, 500], 3)?.rejected).to.deep.equal([500]);
    });

    it('rejects nothing below three segments, where there is no spread to judge by', () => {
      expect(globalAggregate([10, 1000], 0.1)).to.deep.equal({ meanS: 505, kept: 2, rejected: [] });
    });

    it('gives the same result in any input order', () => {
      const values = [...TYPICAL, 900, 1, 250];
      const expected = globalAggregate(values, 2);
      for (const order of [values.slice().reverse(), [...values.slice(4), ...values.slice(0, 4)]]) {
        expect(globalAggregate(order, 2)).to.deep.equal(expected);
      }
    });
  });

  describe('over HTTP, on the worker database', () => {
    let app: FastifyInstance | undefined;
    let client: ReturnType<typeof createClient>;

    afterEach(async () => {
      await app?.close();
      app = undefined;
    });

    it('starts every test with no segments (no rows left by other tests)', async () => {
      ({ app, client } = await startApp(isolation.settings(), workerDb()));
      const reply = await client.get('/aggregate');
      expect(reply.body).to.deep.equal({ segments: 0, mean_s: null, rejected: [] });
    });

    it("aggregates ingested segments with this test's outlier_sigma", async () => {
      ({ app, client } = await startApp(isolation.settings({ outlierSigma: 2 }), workerDb()));
      const observations = [...TYPICAL, 400].map((t, i) => observation(`seg-${i}`, t));
      const headers = { authorization: `Bearer ${isolation.settings().apiKey}`, 'idempotency-key': 'aggregate-batch' };
      expect((await client.post('/observations', { observations }, headers)).status).to.equal(201);
      const reply = await client.get('/aggregate');
      expect(reply.body.segments).to.equal(7);
      expect(reply.body.rejected).to.deep.equal([400]);
      expect(reply.body.mean_s).to.be.closeTo(100.667, 1e-3);
    });
  });
});
