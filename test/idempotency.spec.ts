import { expect } from 'chai';
import type { FastifyInstance } from 'fastify';
import { workerDb } from '../hooks';
import { isolation } from './isolation';
import { startApp } from './support/app-under-test';
import { createClient, observation } from './support/client';

const DEFAULT_KEY = 'default-test-key';

describe('idempotency', () => {
  let app: FastifyInstance | undefined;
  let client: ReturnType<typeof createClient>;

  async function start(): Promise<void> {
    ({ app, client } = await startApp(isolation.settings(), workerDb()));
  }
  const headers = (key: string, token = DEFAULT_KEY) => ({ authorization: `Bearer ${token}`, 'idempotency-key': key });
  const count = (table: string) => (workerDb().prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

  beforeEach(() => isolation.settings({ apiKey: DEFAULT_KEY }));
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('answers a replay with the first response and counts nothing twice', async () => {
    await start();
    const body = { observations: [observation('seg-r', 100, { observed_at: '2026-01-01T00:00:00Z' })] };
    const first = await client.post('/observations', body, headers('replay-key-1'));
    const replay = await client.post('/observations', body, headers('replay-key-1'));
    expect(first.status).to.equal(201);
    expect(replay.status).to.equal(201);
    expect(replay.body).to.deep.equal(first.body);
    expect(replay.headers.get('idempotent-replayed')).to.equal('true');
    expect(count('observations')).to.equal(1);
  });

  it('refuses the same key with a different body with 409', async () => {
    await start();
    await client.post('/observations', { observations: [observation('seg-r', 100)] }, headers('conflict-key'));
    const reply = await client.post('/observations', { observations: [observation('seg-r', 999)] }, headers('conflict-key'));
    expect(reply.status).to.equal(409);
    expect(count('observations')).to.equal(1);
  });

  it('counts the same body under two keys as two batches', async () => {
    await start();
    const body = { observations: [observation('seg-r', 100, { observed_at: '2026-01-01T00:00:00Z' })] };
    await client.post('/observations', body, headers('distinct-key-1'));
    await client.post('/observations', body, headers('distinct-key-2'));
    expect(count('observations')).to.equal(2);
  });

  it('writes a batch with one invalid observation not at all', async () => {
    await start();
    const reply = await client.post(
      '/observations',
      { observations: [observation('seg-r', 100), observation('seg-r', 100, { confidence: 7 })] },
      headers('partial-key1'),
    );
    expect(reply.status).to.equal(400);
    expect(reply.body.error).to.equal('observations[1].confidence must be a number from 0 to 1');
    expect(count('observations') + count('idempotency_keys')).to.equal(0);
  });

  it("accepts the token of this test's settings and refuses the default one", async () => {
    isolation.settings({ apiKey: 'rotated-key-42' });
    await start();
    const old = await client.post('/observations', { observations: [observation('seg-r', 1)] }, headers('token-key-01'));
    const rotated = await client.post(
      '/observations',
      { observations: [observation('seg-r', 1)] },
      headers('token-key-01', 'rotated-key-42'),
    );
    expect([old.status, rotated.status]).to.deep.equal([401, 201]);
  });

  it('gives every test its own settings object', function () {
    // Another test in this file rotates the key; this one must still see the value its beforeEach set.
    expect(this.settings.apiKey).to.equal(DEFAULT_KEY);
    expect(this.settings).to.equal(isolation.settings());
    this.settings.apiKey = 'mutated-by-this-test';
    expect(isolation.settings().apiKey).to.equal('mutated-by-this-test');
  });
});
