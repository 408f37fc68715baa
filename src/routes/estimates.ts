// GET /segments/:id/estimate and GET /aggregate: what was learned from the observations. Both read the running
// per-segment totals (one row per segment), and an estimate its own segment's usable observations.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { globalAggregate } from '../aggregation';
import { segmentEstimate } from '../learning';
import { AGGREGATE, ERROR_BODY, ESTIMATE, SEGMENT_PARAMS } from '../schemas';
import { describeValidationError } from '../validation-errors';

export async function estimateRoutes(app: FastifyInstance): Promise<void> {
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  const segmentMeans = (): Map<string, number> => app.observations.segmentMeans(app.settings.mapmatchMinConf);

  typed.get(
    '/segments/:id/estimate',
    {
      schema: { params: SEGMENT_PARAMS, response: { 200: ESTIMATE, '4xx': ERROR_BODY } },
      schemaErrorFormatter: describeValidationError({ params: SEGMENT_PARAMS }),
    },
    async (request) => {
      const prior = globalAggregate([...segmentMeans().values()], app.settings.outlierSigma)?.meanS ?? 0;
      const observations = app.observations.forSegment(request.params.id, app.settings.mapmatchMinConf);
      const estimate = segmentEstimate(observations, prior, app.settings, app.now());
      return { segment_id: request.params.id, estimate_s: estimate.estimateS, prior_s: prior, observations_used: estimate.used };
    },
  );

  typed.get('/aggregate', { schema: { response: { 200: AGGREGATE } } }, async () => {
    const means = segmentMeans();
    const aggregate = globalAggregate([...means.values()], app.settings.outlierSigma);
    return { segments: means.size, mean_s: aggregate?.meanS ?? null, rejected: aggregate?.rejected ?? [] };
  });
}
