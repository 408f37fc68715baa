// Requests per minute per client (@fastify/rate-limit): counted by client name once the token is known, by
// address otherwise, so a client cannot starve another and guessing tokens is slowed down too. One count per
// client across every route (the plugin's own store keeps one per route), on the app's clock.

import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor, RateLimitPluginOptions } from '@fastify/rate-limit';

const WINDOW_MS = 60_000;
/** Clients and addresses remembered at once; past it, expired windows are dropped, then the oldest. */
const MAX_KEYS = 100_000;

interface Window {
  count: number;
  startedAt: number;
}

/** A fixed-window counter per key that reads time from `now` (the app's injected clock). */
function storeOnClock(now: () => number): FastifyRateLimitStoreCtor {
  const windows = new Map<string, Window>();
  const makeRoom = (at: number, timeWindow: number): void => {
    for (const [key, window] of windows) if (window.startedAt + timeWindow <= at) windows.delete(key);
    for (const key of windows.keys()) {
      if (windows.size < MAX_KEYS) break;
      windows.delete(key);
    }
  };
  const store: FastifyRateLimitStore = {
    incr(key, callback, timeWindow) {
      const at = now();
      let window = windows.get(key);
      if (window === undefined || window.startedAt + timeWindow <= at) {
        if (windows.size >= MAX_KEYS) makeRoom(at, timeWindow);
        window = { count: 0, startedAt: at };
        windows.delete(key);
        windows.set(key, window);
      }
      window.count++;
      callback(null, { current: window.count, ttl: window.startedAt + timeWindow - at });
    },
    child: () => store,
  };
  return function Store() {
    return store;
  } as unknown as FastifyRateLimitStoreCtor;
}

export function rateLimitOptions(perMinute: number, now: () => number): RateLimitPluginOptions {
  return {
    max: perMinute,
    timeWindow: WINDOW_MS,
    store: storeOnClock(now),
    keyGenerator: (request) => (request.client === null ? `address:${request.ip}` : `client:${request.client}`),
    // Thrown to the app's error handler, which answers with the service's error body.
    errorResponseBuilder: (_request, context) =>
      Object.assign(new Error(`Rate limit of ${context.max} requests per minute reached; retry in ${context.after}.`), { statusCode: 429 }),
  };
}
