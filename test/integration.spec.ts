import { expect } from 'chai';
import type { FastifyInstance } from 'fastify';
import { freePort, setEnv, workerDb, workerDbPath } from '../hooks';
import { BODY_LIMIT_BYTES } from '../src/app';
import { startServer } from '../src/server';
import { createClient, observation, TEST_NOW, testClock } from './support/client';

const API_KEY = 'integration-key-0001';

describe('integration: the server started from the environment', () => {
  let server: FastifyInstance | undefined;
  let client: ReturnType<typeof createClient>;

  // Each test starts its own server from its own sandboxed environment: settings are read through the cached
  // getSettings(), whose cache the plugin resets after every test.
  beforeEach(async () => {
    setEnv({ BMTC_API_KEY: API_KEY, BMTC_LOG_LEVEL: 'silent' });
    const port = await freePort();
    server = await startServer({ port, now: testClock });
    client = createClient(`http://127.0.0.1:${port}`);
  });

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const auth = { authorization: `Bearer ${API_KEY}` };

  it('reports healthy with the time it started', async () => {
    const reply = await client.get('/health');
    expect(reply.status).to.equal(200);
    expect(reply.body.status).to.equal('ok');
    expect(reply.body.startedAt).to.equal(new Date(TEST_NOW).toISOString());
  });

  it('stores a batch in the worker database named by BMTC_DB_PATH', async () => {
    expect(process.env.BMTC_DB_PATH).to.equal(workerDbPath());
    const reply = await client.post(
      '/observations',
      { observations: [observation('seg-a', 90), observation('seg-a', 110)] },
      { ...auth, 'idempotency-key': 'batch-int-01' },
    );
    expect(reply.status).to.equal(201);
    expect(reply.body).to.deep.equal({ accepted: 2 });
    expect(workerDb().prepare('SELECT COUNT(*) AS n FROM observations').get()).to.deep.equal({ n: 2 });
  });

  it('estimates a segment from what was ingested', async () => {
    await client.post(
      '/observations',
      { observations: [observation('seg-b', 100), observation('seg-c', 300)] },
      { ...auth, 'idempotency-key': 'batch-int-02' },
    );
    const reply = await client.get('/segments/seg-b/estimate');
    expect(reply.status).to.equal(200);
    expect(reply.body.observations_used).to.equal(1);
    // Shrunk toward the prior (the mean of 100 and 300) with the default n0 of 5.
    expect(reply.body.estimate_s).to.be.closeTo((5 * 200 + 100) / 6, 1e-9);
  });

  it('refuses a request without a bearer token with 401', async () => {
    const reply = await client.post('/observations', { observations: [observation('seg-a', 90)] }, { 'idempotency-key': 'batch-int-03' });
    expect(reply.status).to.equal(401);
    expect(reply.body.error).to.match(/Bearer/);
  });

  it('refuses the key of another environment with 401', async () => {
    const reply = await client.post(
      '/observations',
      { observations: [observation('seg-a', 90)] },
      { authorization: 'Bearer some-other-key', 'idempotency-key': 'batch-int-04' },
    );
    expect(reply.status).to.equal(401);
  });

  it('requires an Idempotency-Key header', async () => {
    const reply = await client.post('/observations', { observations: [observation('seg-a', 90)] }, auth);
    expect(reply.status).to.equal(400);
    expect(reply.body.error).to.match(/Idempotency-Key/);
  });

  it('answers a malformed observation with 400 naming the field, and stores nothing', async () => {
    const reply = await client.post(
      '/observations',
      { observations: [observation('seg-a', -5)] },
      { ...auth, 'idempotency-key': 'batch-int-05' },
    );
    expect(reply.status).to.equal(400);
    expect(reply.body.error).to.equal('observations[0].travel_time_s must be a number of seconds greater than 0 and at most 86400');
    expect(workerDb().prepare('SELECT COUNT(*) AS n FROM idempotency_keys').get()).to.deep.equal({ n: 0 });
  });

  it('refuses a body over the size limit with 413', async () => {
    const padding = 'x'.repeat(BODY_LIMIT_BYTES);
    const reply = await client.post(
      '/observations',
      { observations: [observation('seg-a', 90, { note: padding })] },
      { ...auth, 'idempotency-key': 'batch-int-06' },
    );
    expect(reply.status).to.equal(413);
  });
});
