// Starts the app on a free loopback port with the settings and database a test gives it.

import type { Database } from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { freePort } from '../../hooks';
import { buildApp } from '../../src/app';
import type { Settings } from '../../src/settings';
import { createClient, testClock } from './client';

/** `now`: the service's clock; the fixed test clock unless a test moves time itself. */
export async function startApp(
  settings: Settings,
  db: Database,
  now: () => number = testClock,
): Promise<{ app: FastifyInstance; client: ReturnType<typeof createClient> }> {
  const app = buildApp({ settings, db, now });
  const port = await freePort();
  await app.listen({ port, host: '127.0.0.1' });
  return { app, client: createClient(`http://127.0.0.1:${port}`) };
}
