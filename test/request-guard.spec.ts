// A request without the token is refused before its body is read: the server answers 401 while the client has
// sent only the headers of a 256 KiB body (issue 11, in part: authentication in an onRequest hook). A failure of
// the service is logged with its request id and hidden from the client.
import { expect } from 'chai';
import net from 'node:net';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { memoryDb, workerDb } from '../hooks';
import { BODY_LIMIT_BYTES, buildApp } from '../src/app';
import { observation } from './support/client';
import { isolation } from './isolation';
import { startApp } from './support/app-under-test';

describe('the token, before the body', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('refuses a request without a token with 401 before reading its 256 KiB body', async () => {
    ({ app } = await startApp(isolation.settings(), workerDb()));
    const { port } = app.server.address() as net.AddressInfo;
    const status = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        // Only the headers: the body never comes. A server that read it first would wait until the timeout.
        socket.write(
          `POST /observations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${BODY_LIMIT_BYTES}\r\nIdempotency-Key: guard-key-1\r\n\r\n`,
        );
      });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error('no answer within 2 s: the server waited for the body'));
      }, 2000);
      socket.once('data', (chunk) => {
        clearTimeout(timer);
        // Resolved once the socket is closed on both sides: a test must not leave a socket behind.
        socket.once('close', () => resolve(chunk.toString().split('\r\n')[0] as string));
        socket.end();
      });
      socket.once('error', reject);
    });
    expect(status).to.equal('HTTP/1.1 401 Unauthorized');
  });
});

describe('a failure of the service', () => {
  it('is logged with the request id and hidden from the client as a 500', async () => {
    const lines: string[] = [];
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    // A database closed under the app: the next ingest fails inside the service.
    const db = memoryDb();
    const app = buildApp({ settings: isolation.settings({ apiKey: 'failure-test-key', logLevel: 'error' }), db, logStream });
    try {
      db.close();
      const reply = await app.inject({
        method: 'POST',
        url: '/observations',
        headers: { authorization: 'Bearer failure-test-key', 'idempotency-key': 'failure-key-1' },
        payload: { observations: [observation('seg-f', 100)] },
      });
      expect(reply.statusCode).to.equal(500);
      expect(reply.json()).to.deep.equal({ error: 'Internal Server Error' });
      const logged = lines.map((line) => JSON.parse(line) as { level: number; reqId?: string; msg: string; err?: { message: string } });
      const failure = logged.find((entry) => entry.msg === 'request failed');
      expect(failure?.level).to.equal(50);
      expect(failure?.reqId).to.be.a('string').and.not.equal('');
      expect(failure?.err?.message).to.contain('database connection is not open');
    } finally {
      await app.close();
    }
  });
});
