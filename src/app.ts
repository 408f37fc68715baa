// Builds the HTTP app from the settings and database it is given. Never reads the environment, never listens.

import type { Database } from 'better-sqlite3';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { globalAggregate } from './aggregation';
import { isAuthorized } from './auth';
import { createIngestService, ValidationError } from './ingest';
import { segmentEstimate } from './learning';
import { markStarted, startupTime } from './lifespan';
import { createObservationRepository } from './observation-repository';
import type { Settings } from './settings';

export const BODY_LIMIT_BYTES = 256 * 1024;
const IDEMPOTENCY_KEY = /^[\w-]{8,128}$/;

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
  const ingestService = createIngestService(db, now, settings);
  const observations = createObservationRepository(db);

  const perSegmentMeans = (): Map<string, number> => {
    const sums = new Map<string, { sum: number; n: number }>();
    for (const o of observations.all()) {
      if (o.confidence < settings.mapmatchMinConf) continue;
      const entry = sums.get(o.segmentId) ?? { sum: 0, n: 0 };
      entry.sum += o.travelTimeS;
      entry.n++;
      sums.set(o.segmentId, entry);
    }
    return new Map([...sums].map(([id, { sum, n }]) => [id, sum / n]));
  };

  app.addHook('onReady', async () => markStarted(new Date(now())));

  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const status = error instanceof ValidationError ? 400 : error.statusCode ?? 500;
    // A 5xx is the service's fault: logged with the request id for whoever reads the logs, hidden from the client.
    if (status >= 500) request.log.error({ err: error, reqId: request.id }, 'request failed');
    void reply.code(status).send({ error: status >= 500 ? 'Internal Server Error' : error.message });
  });

  app.get('/health', async () => ({ status: 'ok', startedAt: startupTime()?.toISOString() ?? null }));

  // onRequest: a request without the token is refused before its body is read (a 256 KiB body is not parsed first).
  const requireToken = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (!isAuthorized(request.headers.authorization, settings.apiKey)) {
      await reply.code(401).send({ error: 'Authorization: Bearer <BMTC_API_KEY> is required' });
    }
  };

  app.post('/observations', { onRequest: requireToken }, async (request, reply) => {
    const key = request.headers['idempotency-key'];
    if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
      return reply.code(400).send({ error: 'Idempotency-Key header of 8-128 letters, digits, "_" or "-" is required' });
    }
    const result = ingestService.ingest(key, request.body);
    if (result.replayed) void reply.header('Idempotent-Replayed', 'true');
    return reply.code(result.status).send(result.body);
  });

  app.get<{ Params: { id: string } }>('/segments/:id/estimate', async (request) => {
    const prior = globalAggregate([...perSegmentMeans().values()], settings.outlierSigma)?.meanS ?? 0;
    const estimate = segmentEstimate(observations.forSegment(request.params.id), prior, settings, now());
    return { segment_id: request.params.id, estimate_s: estimate.estimateS, prior_s: prior, observations_used: estimate.used };
  });

  app.get('/aggregate', async () => {
    const means = perSegmentMeans();
    const aggregate = globalAggregate([...means.values()], settings.outlierSigma);
    return { segments: means.size, mean_s: aggregate?.meanS ?? null, rejected: aggregate?.rejected ?? [] };
  });

  return app;
}
