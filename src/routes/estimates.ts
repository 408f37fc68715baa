// GET /segments/:id/estimate and GET /aggregate: what was learned from the observations.

import type { FastifyInstance } from 'fastify';
import { globalAggregate } from '../aggregation';
import { segmentEstimate } from '../learning';

export async function estimateRoutes(app: FastifyInstance): Promise<void> {
  const perSegmentMeans = (): Map<string, number> => {
    const sums = new Map<string, { sum: number; n: number }>();
    for (const o of app.observations.all()) {
      if (o.confidence < app.settings.mapmatchMinConf) continue;
      const entry = sums.get(o.segmentId) ?? { sum: 0, n: 0 };
      entry.sum += o.travelTimeS;
      entry.n++;
      sums.set(o.segmentId, entry);
    }
    return new Map([...sums].map(([id, { sum, n }]) => [id, sum / n]));
  };

  app.get<{ Params: { id: string } }>('/segments/:id/estimate', async (request) => {
    const prior = globalAggregate([...perSegmentMeans().values()], app.settings.outlierSigma)?.meanS ?? 0;
    const estimate = segmentEstimate(app.observations.forSegment(request.params.id), prior, app.settings, app.now());
    return { segment_id: request.params.id, estimate_s: estimate.estimateS, prior_s: prior, observations_used: estimate.used };
  });

  app.get('/aggregate', async () => {
    const means = perSegmentMeans();
    const aggregate = globalAggregate([...means.values()], app.settings.outlierSigma);
    return { segments: means.size, mean_s: aggregate?.meanS ?? null, rejected: aggregate?.rejected ?? [] };
  });
}
