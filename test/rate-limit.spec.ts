// Requests per minute per client (issue 11): the limit answers 429 with Retry-After in the service's error
// body, counts each client apart (across every route, on the app's clock), counts requests without a valid token
// by address, and spares /health.
import { expect } from 'chai';
import type { FastifyInstance } from 'fastify';
import { workerDb } from '../hooks';
import type { Settings } from '../src/settings';
import { isolation } from './isolation';
import { startApp } from './support/app-under-test';
import { createClient, TEST_NOW } from './support/client';

const FLEET = 'fleet-token-0001';
const OPS = 'ops-token-00002';

describe('rate limit', () => {
  let app: FastifyInstance | undefined;
  let client: ReturnType<typeof createClient>;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  let clock = TEST_NOW;
  const start = async (overrides: Partial<Settings>): Promise<void> => {
    clock = TEST_NOW;
    ({ app, client } = await startApp(isolation.settings({ clients: { fleet: FLEET, ops: OPS }, ...overrides }), workerDb(), () => clock));
  };
  // A read behind nothing but the limit: cheap, and counted like any other request.
  const aggregateAs = (token?: string) => client.get('/aggregate', token === undefined ? {} : { authorization: `Bearer ${token}` });

  it("answers the request after the limit with 429, Retry-After and the service's error body", async () => {
    await start({ rateLimitPerMinute: 3 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await aggregateAs(FLEET)).status);
    const refused = await aggregateAs(FLEET);
    expect(statuses).to.deep.equal([200, 200, 200]);
    expect(refused.status).to.equal(429);
    expect(refused.headers.get('retry-after')).to.equal('60');
    expect(refused.body).to.deep.equal({ error: 'Rate limit of 3 requests per minute reached; retry in 1 minute.' });
  });

  it('counts each client apart, and requests without a valid token by address', async () => {
    await start({ rateLimitPerMinute: 2 });
    await aggregateAs(FLEET);
    await aggregateAs(FLEET);
    expect((await aggregateAs(FLEET)).status).to.equal(429);
    expect((await aggregateAs(OPS)).status).to.equal(200);
    await aggregateAs();
    await aggregateAs('not-a-token-at-all');
    expect((await aggregateAs()).status).to.equal(429);
  });

  it("counts a client's requests on every route together, and starts again a minute later on the app's clock", async () => {
    await start({ rateLimitPerMinute: 2 });
    await aggregateAs(FLEET);
    await client.get('/segments/seg-1/estimate', { authorization: `Bearer ${FLEET}` });
    expect((await aggregateAs(FLEET)).status).to.equal(429);
    clock += 59_999;
    expect((await aggregateAs(FLEET)).status).to.equal(429);
    clock += 1;
    expect((await aggregateAs(FLEET)).status).to.equal(200);
  });

  it('never limits /health, and BMTC_RATE_LIMIT_PER_MINUTE=0 turns the limit off', async () => {
    await start({ rateLimitPerMinute: 1 });
    const health = await Promise.all([1, 2, 3].map(() => client.get('/health')));
    expect(health.map((r) => r.status)).to.deep.equal([200, 200, 200]);
    await app?.close();
    await start({ rateLimitPerMinute: 0 });
    const reads = [];
    for (let i = 0; i < 5; i++) reads.push((await aggregateAs(FLEET)).status);
    expect(reads).to.deep.equal([200, 200, 200, 200, 200]);
  });
});
