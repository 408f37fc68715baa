// Builds the HTTP app from the settings and database it is given. Never reads the environment, never listens.

import rateLimit from '@fastify/rate-limit';
import type { Database } from 'better-sqlite3';
import Fastify, { type FastifyInstance } from 'fastify';
import { clientOf } from './auth';
import { createIdempotencyRepository } from './idempotency-repository';
import { createIngestService } from './ingest';
import { markStarted, startupTime } from './lifespan';
import { createObservationRepository } from './observation-repository';
import { rateLimitOptions } from './rate-limit';
import { estimateRoutes } from './routes/estimates';
import { observationRoutes } from './routes/observations';
import { HEALTH } from './schemas';
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
    logger:
      settings.logLevel === 'silent' ? false : { level: settings.logLevel, ...(logStream === undefined ? {} : { stream: logStream }) },
    // JSON bodies keep their types: "12" is not a travel time (fastify coerces by default, for query strings).
    ajv: { customOptions: { coerceTypes: false } },
  });
  // One instance of each per app, reached by the routes through decorators.
  const observations = createObservationRepository(db);
  app.decorate('settings', settings);
  app.decorate('now', now);
  app.decorate('observations', observations);
  app.decorate('ingestService', createIngestService(db, { observations, keys: createIdempotencyRepository(db) }, now, settings));

  // Who is asking, before anything else (the rate limit counts per client); routes decide whether it must be someone.
  app.decorateRequest('client', null);
  app.addHook('onRequest', async (request) => {
    request.client = clientOf(request.headers.authorization, settings) ?? null;
  });
  app.addHook('onReady', async () => markStarted(new Date(now())));

  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const status = error.statusCode ?? 500;
    // A 5xx is the service's fault: logged with the request id for whoever reads the logs, hidden from the client.
    if (status >= 500) request.log.error({ err: error, reqId: request.id }, 'request failed');
    void reply.code(status).send({ error: status >= 500 ? 'Internal Server Error' : error.message });
  });

  // Registered before the routes: it applies to the routes added after it (all but /health).
  if (settings.rateLimitPerMinute > 0) void app.register(rateLimit, rateLimitOptions(settings.rateLimitPerMinute, now));
  app.get('/health', { config: { rateLimit: false }, schema: { response: { 200: HEALTH } } }, async () => ({
    status: 'ok' as const,
    startedAt: startupTime()?.toISOString() ?? null,
  }));
  void app.register(observationRoutes);
  void app.register(estimateRoutes);
  return app;
}
