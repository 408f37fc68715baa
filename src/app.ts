// Builds the HTTP app from the settings and database it is given. Never reads the environment, never listens.

import type { Database } from 'better-sqlite3';
import Fastify, { type FastifyInstance } from 'fastify';
import { createIngestService, ValidationError } from './ingest';
import { markStarted, startupTime } from './lifespan';
import { createObservationRepository } from './observation-repository';
import { estimateRoutes } from './routes/estimates';
import { observationRoutes } from './routes/observations';
import './services';
import type { Settings } from './settings';

export const BODY_LIMIT_BYTES = 256 * 1024;

export interface AppOptions {
  settings: Settings;
  db: Database;
  now?: () => number;
  /** Where fastify's logger (pino) writes, at settings.logLevel; stdout unless given (tests capture it). */
  logStream?: NodeJS.WritableStream;
}

export function buildApp({ settings, db, now = Date.now, logStream }: AppOptions): FastifyInstance {
  const app = Fastify({
    bodyLimit: BODY_LIMIT_BYTES,
    // fastify's own logger; BMTC_LOG_LEVEL=silent keeps a test run quiet (the suite's settings say so).
    logger: settings.logLevel === 'silent' ? false : { level: settings.logLevel, ...(logStream === undefined ? {} : { stream: logStream }) },
  });
  // One instance of each per app, reached by the routes through decorators.
  const observations = createObservationRepository(db);
  app.decorate('settings', settings);
  app.decorate('now', now);
  app.decorate('observations', observations);
  app.decorate('ingestService', createIngestService(db, observations, now, settings));

  app.addHook('onReady', async () => markStarted(new Date(now())));

  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const status = error instanceof ValidationError ? 400 : error.statusCode ?? 500;
    // A 5xx is the service's fault: logged with the request id for whoever reads the logs, hidden from the client.
    if (status >= 500) request.log.error({ err: error, reqId: request.id }, 'request failed');
    void reply.code(status).send({ error: status >= 500 ? 'Internal Server Error' : error.message });
  });

  app.get('/health', async () => ({ status: 'ok', startedAt: startupTime()?.toISOString() ?? null }));
  // Registered without encapsulation breaking: the decorators above are visible inside each route plugin.
  void app.register(observationRoutes);
  void app.register(estimateRoutes);
  return app;
}
