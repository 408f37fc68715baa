// POST /observations: idempotent ingestion, behind the bearer token.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isAuthorized } from '../auth';

const IDEMPOTENCY_KEY = /^[\w-]{8,128}$/;

export async function observationRoutes(app: FastifyInstance): Promise<void> {
  // onRequest: a request without the token is refused before its body is read (a 256 KiB body is not parsed first).
  const requireToken = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (!isAuthorized(request.headers.authorization, app.settings.apiKey)) {
      await reply.code(401).send({ error: 'Authorization: Bearer <BMTC_API_KEY> is required' });
    }
  };

  app.post('/observations', { onRequest: requireToken }, async (request, reply) => {
    const key = request.headers['idempotency-key'];
    if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
      return reply.code(400).send({ error: 'Idempotency-Key header of 8-128 letters, digits, "_" or "-" is required' });
    }
    const result = app.ingestService.ingest(key, request.body);
    if (result.replayed) void reply.header('Idempotent-Replayed', 'true');
    return reply.code(result.status).send(result.body);
  });
}
