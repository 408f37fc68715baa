// What cannot be a real observation is refused with a 400 naming the field; a retried body with its keys in
// another order is the same body; PORT is validated with the other settings (issue 11, in part).
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { workerDb } from '../hooks';
import { loadSettings, SettingsError } from '../src/settings';
import { isolation } from './isolation';
import { startApp } from './support/app-under-test';
import { createClient, observation, TEST_NOW } from './support/client';

const KEY = 'limits-test-key';

describe('observation limits and canonical bodies', () => {
  let app: FastifyInstance | undefined;
  let client: ReturnType<typeof createClient>;
  const headers = (key: string) => ({ authorization: `Bearer ${KEY}`, 'idempotency-key': key });
  const stored = (): number => (workerDb().prepare('SELECT COUNT(*) AS n FROM observations').get() as { n: number }).n;

  beforeEach(async () => {
    ({ app, client } = await startApp(isolation.settings({ apiKey: KEY, maxTravelTimeS: 3600, maxClockSkewS: 60 }), workerDb()));
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  for (const [what, overrides, message] of [
    [
      'a timestamp that is only a number',
      { observed_at: '1' },
      'observations[0].observed_at must be an ISO 8601 timestamp with a zone, such as 2026-06-01T12:00:00Z',
    ],
    [
      'a timestamp without a zone',
      { observed_at: '2026-06-01T11:00:00' },
      'observations[0].observed_at must be an ISO 8601 timestamp with a zone, such as 2026-06-01T12:00:00Z',
    ],
    [
      'a timestamp from the future',
      { observed_at: new Date(TEST_NOW + 61_000).toISOString() },
      "observations[0].observed_at is more than 60 s after the server's clock: an observation cannot come from the future",
    ],
    [
      'a travel time no trip takes',
      { travel_time_s: 1e308 },
      'observations[0].travel_time_s must be a number of seconds greater than 0 and at most 3600',
    ],
    ['a confidence above 1', { confidence: 1.5 }, 'observations[0].confidence must be a number from 0 to 1'],
  ] as const) {
    it(`refuses ${what} with 400 naming the field, and stores nothing`, async () => {
      const reply = await client.post(
        '/observations',
        { observations: [observation('seg-l', 120, overrides)] },
        headers(`limits-${what.replace(/\W+/g, '-')}`),
      );
      expect(reply.status).to.equal(400);
      expect((reply.body as { error: string }).error).to.equal(message);
      expect(stored()).to.equal(0);
    });
  }

  it('accepts a timestamp within the allowed skew and a travel time at the limit', async () => {
    const body = { observations: [observation('seg-l', 3600, { observed_at: new Date(TEST_NOW + 59_000).toISOString() })] };
    const reply = await client.post('/observations', body, headers('limits-edge'));
    expect(reply.status).to.equal(201);
  });

  it('treats a retried body with its keys in another order as the same body (a replay, not a 409)', async () => {
    const item = observation('seg-l', 120);
    const reordered = Object.fromEntries(Object.entries(item).reverse());
    const first = await client.post('/observations', { observations: [item] }, headers('canonical-key'));
    const retry = await client.post('/observations', { observations: [reordered] }, headers('canonical-key'));
    expect(first.status).to.equal(201);
    expect(retry.status).to.equal(201);
    expect(retry.headers.get('idempotent-replayed')).to.equal('true');
    expect(stored()).to.equal(1);
  });
});

describe('PORT and HOST with the other settings', () => {
  it('refuses PORT=99999 naming the variable and the range', () => {
    expect(() => loadSettings({ BMTC_API_KEY: 'a-long-enough-key', PORT: '99999' }))
      .to.throw(SettingsError)
      .with.property('message')
      .that.contains('PORT must be a whole number at least 0 and at most 65535, got "99999".');
  });

  it('makes the server entry say so in one line, without a stack trace', function () {
    this.timeout(20_000);
    const root = path.resolve(__dirname, '..');
    const run = spawnSync(process.execPath, ['-r', '@swc/register', path.join(root, 'src/server.ts')], {
      cwd: root,
      env: { ...process.env, PORT: '99999', BMTC_API_KEY: 'a-long-enough-key' },
      encoding: 'utf8',
    });
    expect(run.status).to.equal(1);
    expect(run.stderr).to.contain('PORT must be a whole number at least 0 and at most 65535, got "99999".');
    expect(run.stderr).not.to.match(/^\s+at /m);
  });
});
