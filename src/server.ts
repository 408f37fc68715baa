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

if (require.main === module) {
  // PORT and HOST are read with the other settings, so a bad value is one message, not a stack trace.
  Promise.resolve()
    .then(() => getSettings())
    .then((settings) => startServer({ port: settings.port, host: settings.host }))
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
