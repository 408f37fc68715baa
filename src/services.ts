// What route handlers reach through fastify decorators: the settings, the clock, and one instance of each
// repository and service per app (built once in buildApp); and the client a request's token belongs to.

import type { IngestService } from './ingest';
import type { ObservationRepository } from './observation-repository';
import type { Settings } from './settings';

declare module 'fastify' {
  interface FastifyInstance {
    settings: Settings;
    now: () => number;
    observations: ObservationRepository;
    ingestService: IngestService;
  }
  interface FastifyRequest {
    /** The client whose bearer token the request carries (settings.apiKey is "default"), null without a valid one. */
    client: string | null;
  }
}
