// Every route's JSON schema does the checking (issue 11): each bad input gets a 400 that names the field and
// what it must be, nothing is stored, and the responses carry only what their schemas declare.
import { expect } from 'chai';
import type { FastifyInstance } from 'fastify';
import { workerDb } from '../hooks';
import { MAX_BATCH } from '../src/schemas';
import { isolation } from './isolation';
import { startApp } from './support/app-under-test';
import { createClient, observation } from './support/client';

const KEY = 'schemas-test-key';
const headers = { authorization: `Bearer ${KEY}`, 'idempotency-key': 'schemas-batch-1' };

describe('request schemas', () => {
  let app: FastifyInstance | undefined;
  let client: ReturnType<typeof createClient>;
  const stored = (): number => (workerDb().prepare('SELECT COUNT(*) AS n FROM observations').get() as { n: number }).n;

  beforeEach(async () => {
    ({ app, client } = await startApp(isolation.settings({ apiKey: KEY }), workerDb()));
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  const SEGMENT = '1-64 letters, digits, "_", "-" or "."';
  for (const [what, body, message] of [
    ['a segment id with a space', { observations: [observation('seg a', 60)] }, `observations[0].segment_id must be ${SEGMENT}`],
    ['a segment id of 65 characters', { observations: [observation('s'.repeat(65), 60)] }, `observations[0].segment_id must be ${SEGMENT}`],
    [
      'a travel time sent as a string',
      { observations: [observation('seg-s', 60, { travel_time_s: '60' })] },
      'observations[0].travel_time_s must be a number of seconds greater than 0 and at most 86400',
    ],
    [
      'a travel time of 0',
      { observations: [observation('seg-s', 0)] },
      'observations[0].travel_time_s must be a number of seconds greater than 0 and at most 86400',
    ],
    [
      'a missing confidence',
      { observations: [observation('seg-s', 60, { confidence: undefined })] },
      'observations[0].confidence must be a number from 0 to 1',
    ],
    [
      'a timestamp sent as a number',
      { observations: [observation('seg-s', 60, { observed_at: 1_780_000_000 })] },
      'observations[0].observed_at must be an ISO 8601 timestamp with a zone, such as 2026-06-01T12:00:00Z',
    ],
    ['an observation that is not an object', { observations: [observation('seg-s', 60), 7] }, 'observations[1] must be an object'],
    ['an empty batch', { observations: [] }, `observations must be an array of 1 to ${MAX_BATCH} items`],
    [
      'a batch over the limit',
      { observations: Array.from({ length: MAX_BATCH + 1 }, () => observation('seg-s', 60)) },
      `observations must be an array of 1 to ${MAX_BATCH} items`,
    ],
    ['a body without observations', { readings: [] }, 'observations must be an array of 1 to 1000 items'],
    ['a body that is not an object', '[1, 2]', 'body must be a JSON object with "observations"'],
  ] as const) {
    it(`refuses ${what} with 400 naming the field, and stores nothing`, async () => {
      const reply = await client.post('/observations', body, headers);
      expect(reply.status).to.equal(400);
      expect(reply.body).to.deep.equal({ error: message });
      expect(stored()).to.equal(0);
    });
  }

  it('refuses a malformed Idempotency-Key through the header schema', async () => {
    const reply = await client.post(
      '/observations',
      { observations: [observation('seg-s', 60)] },
      { ...headers, 'idempotency-key': 'short' },
    );
    expect(reply.status).to.equal(400);
    expect(reply.body).to.deep.equal({ error: 'Idempotency-Key header of 8-128 letters, digits, "_" or "-" is required' });
  });

  it('refuses a segment id in the path that no observation could have', async () => {
    const reply = await client.get(`/segments/${'x'.repeat(65)}/estimate`);
    expect(reply.status).to.equal(400);
    expect(reply.body).to.deep.equal({ error: `id must be ${SEGMENT}` });
  });

  it('answers with what the response schema declares, and nothing the body carried', async () => {
    const reply = await client.post('/observations', { observations: [observation('seg-s', 60)], debug: true }, headers);
    expect(reply.status).to.equal(201);
    expect(reply.body).to.deep.equal({ accepted: 1 });
    const estimate = await client.get('/segments/seg-s/estimate');
    expect(Object.keys(estimate.body)).to.have.members(['segment_id', 'estimate_s', 'prior_s', 'observations_used']);
  });
});
