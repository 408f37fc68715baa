// Requests per minute per client (@fastify/rate-limit): counted by client name once the token is known, by
// address otherwise, so a client cannot starve another and guessing tokens is slowed down too.

import type { RateLimitPluginOptions } from '@fastify/rate-limit';

const WINDOW_MS = 60_000;

export function rateLimitOptions(perMinute: number): RateLimitPluginOptions {
  return {
    max: perMinute,
    timeWindow: WINDOW_MS,
    keyGenerator: (request) => (request.client === null ? `address:${request.ip}` : `client:${request.client}`),
    // Thrown to the app's error handler, which answers with the service's error body.
    errorResponseBuilder: (_request, context) =>
      Object.assign(new Error(`Rate limit of ${context.max} requests per minute reached; retry in ${context.after}.`), { statusCode: 429 }),
  };
}
