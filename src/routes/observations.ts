// POST /observations: idempotent ingestion, behind a client's bearer token. The schema checks the headers and
// the body; the handler only stores.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ACCEPTED, ERROR_BODY, IDEMPOTENCY_HEADERS, observationBatchSchema } from '../schemas';
import { describeValidationError } from '../validation-errors';

export async function observationRoutes(app: FastifyInstance): Promise<void> {
  // onRequest: a request without a client's token is refused before its body is read (a 256 KiB body is not
  // parsed first). The client was identified by the app's onRequest hook.
  const requireClient = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (request.client === null) await reply.code(401).send({ error: 'Authorization: Bearer <BMTC_API_KEY> is required' });
  };
  const body = observationBatchSchema(app.settings.maxTravelTimeS);

  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/observations',
    {
      onRequest: requireClient,
      schema: { headers: IDEMPOTENCY_HEADERS, body, response: { 201: ACCEPTED, '4xx': ERROR_BODY } },
      schemaErrorFormatter: describeValidationError({ headers: IDEMPOTENCY_HEADERS, body }),
    },
    async (request, reply) => {
      const result = app.ingestService.ingest(request.client as string, request.headers['idempotency-key'], request.body);
      if (result.replayed) void reply.header('Idempotent-Replayed', 'true');
      return reply.code(result.status).send(result.body);
    },
  );
}
