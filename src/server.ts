// The service's entry point: the only file that reads process.env and listens.

import type { FastifyInstance } from 'fastify';
import { buildApp } from './app';
import { openServiceDatabase } from './db';
import { getSettings } from './settings';

export interface StartOptions {
  port: number;
  host?: string;
  /** The service's clock, in milliseconds since the epoch; tests pass a fixed one. */
  now?: () => number;
}

/** Starts the service from the environment (through the cached settings) on the given port. */
export async function startServer({ port, host = '127.0.0.1', now }: StartOptions): Promise<FastifyInstance> {
  const settings = getSettings();
  const db = openServiceDatabase(settings.dbPath);
  const app = buildApp({ settings, db, now });
  app.addHook('onClose', async () => db.close());
  await app.listen({ port, host });
  return app;
}

function parsePort(raw: string | undefined): number {
  const port = Number(raw ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a whole number from 0 to 65535, got "${raw}".`);
  }
  return port;
}

if (require.main === module) {
  startServer({ port: parsePort(process.env.PORT), host: process.env.HOST })
    .then((app) => {
      const stop = (): void => void app.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      process.stdout.write(`bmtc-eta listening on ${JSON.stringify(app.addresses())}\n`);
    })
    .catch((error: Error) => {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    });
}
