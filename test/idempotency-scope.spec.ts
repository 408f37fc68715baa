// Idempotency keys belong to the client that sent them and are forgotten after BMTC_IDEMPOTENCY_TTL_S; two
// server processes on one database given one key at the same moment store one batch (issue 11).
import { expect } from 'chai';
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { freePort, workerDb, workerDbPath } from '../hooks';
import { buildApp } from '../src/app';
import { isolation } from './isolation';
import { createClient, observation, TEST_NOW } from './support/client';

const FLEET = 'fleet-token-0001';
const OPS = 'ops-token-00002';
const batches = (): number =>
  (workerDb().prepare('SELECT COUNT(DISTINCT client_id || batch_key) AS n FROM observations').get() as { n: number }).n;

describe('idempotency keys per client, for a time', () => {
  let app: FastifyInstance | undefined;
  let client: ReturnType<typeof createClient>;
  let clock = TEST_NOW;

  beforeEach(async () => {
    clock = TEST_NOW;
    app = buildApp({
      settings: isolation.settings({ apiKey: 'default-key-01', clients: { fleet: FLEET, ops: OPS }, idempotencyTtlS: 3600 }),
      db: workerDb(),
      now: () => clock,
    });
    const port = await freePort();
    await app.listen({ port, host: '127.0.0.1' });
    client = createClient(`http://127.0.0.1:${port}`);
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  const send = (token: string, key: string, travelTimeS: number) =>
    client.post(
      '/observations',
      { observations: [observation('seg-k', travelTimeS)] },
      { authorization: `Bearer ${token}`, 'idempotency-key': key },
    );

  it("keeps one client's key from answering another client's request", async () => {
    const fleet = await send(FLEET, 'shared-key-01', 100);
    const ops = await send(OPS, 'shared-key-01', 200);
    expect([fleet.status, ops.status]).to.deep.equal([201, 201]);
    expect(ops.headers.get('idempotent-replayed')).to.equal(null);
    expect(batches()).to.equal(2);
  });

  it('still refuses a key reused with another body within the window', async () => {
    await send(FLEET, 'window-key-01', 100);
    clock += 3599_000;
    expect((await send(FLEET, 'window-key-01', 999)).status).to.equal(409);
  });

  it('forgets a key after BMTC_IDEMPOTENCY_TTL_S: the same key is then a new batch', async () => {
    await send(FLEET, 'expiry-key-01', 100);
    clock += 3600_000;
    const later = await send(FLEET, 'expiry-key-01', 100);
    expect(later.status).to.equal(201);
    expect(later.headers.get('idempotent-replayed')).to.equal(null);
    expect((workerDb().prepare('SELECT COUNT(*) AS n FROM observations').get() as { n: number }).n).to.equal(2);
  });
});

describe('one key sent to two server processes at once', () => {
  const servers: ChildProcess[] = [];
  afterEach(async () => {
    // 'close', not 'exit': the child's handle and pipes are gone too, so the test leaves no process behind.
    await Promise.all(servers.splice(0).map((child) => new Promise((resolve) => child.once('close', resolve).kill('SIGTERM'))));
  });

  // The real server entry in a child process on this worker's database file, as two replicas would run.
  async function startReplica(): Promise<ReturnType<typeof createClient>> {
    const child = spawn(process.execPath, ['-r', '@swc/register', path.join(__dirname, 'support/server-child.ts')], {
      cwd: path.join(__dirname, '..'),
      env: { ...process.env, BMTC_DB_PATH: workerDbPath(), BMTC_API_KEY: 'replica-key-01', BMTC_LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    servers.push(child);
    const port = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const found = /^ready (\d+)$/m.exec(out)?.[1];
        if (found !== undefined) resolve(found);
      });
      child.once('exit', (code) => reject(new Error(`the replica exited with ${code} before it listened`)));
    });
    return createClient(`http://127.0.0.1:${port}`);
  }

  it('stores exactly one batch and answers every request with it', async function () {
    this.timeout(20_000);
    const replicas = await Promise.all([startReplica(), startReplica()]);
    const body = {
      observations: Array.from({ length: 200 }, (_, i) => observation(`seg-${i}`, 60 + i, { observed_at: '2026-01-01T00:00:00Z' })),
    };
    const headers = { authorization: 'Bearer replica-key-01', 'idempotency-key': 'race-key-0001' };
    const replies = await Promise.all(
      Array.from({ length: 16 }, (_, i) => (replicas[i % 2] as ReturnType<typeof createClient>).post('/observations', body, headers)),
    );
    expect(replies.map((r) => r.status)).to.deep.equal(replies.map(() => 201));
    expect(replies.filter((r) => r.headers.get('idempotent-replayed') === null)).to.have.length(1);
    expect(batches()).to.equal(1);
    expect((workerDb().prepare('SELECT COUNT(*) AS n FROM observations').get() as { n: number }).n).to.equal(200);
  });
});
