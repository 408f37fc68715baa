// The routes' JSON schemas (TypeBox): fastify's validator checks every request against them and its serializer
// writes every response from them. Each field's `description` finishes the sentence of its 400 ("... must be").

import { type Static, Type } from 'typebox';

export const MAX_BATCH = 1000;
// A full date and time with a zone: "1", "2026" or a date without a time are not timestamps of an observation.
const ISO_TIMESTAMP = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$';

/** The body of POST /observations; the longest travel time is a setting, so the schema is built per app. */
export function observationBatchSchema(maxTravelTimeS: number) {
  return Type.Object(
    {
      observations: Type.Array(
        Type.Object(
          {
            segment_id: Type.String({ pattern: '^[\\w.-]{1,64}$', description: '1-64 letters, digits, "_", "-" or "."' }),
            travel_time_s: Type.Number({
              exclusiveMinimum: 0,
              maximum: maxTravelTimeS,
              description: `a number of seconds greater than 0 and at most ${maxTravelTimeS}`,
            }),
            observed_at: Type.String({
              pattern: ISO_TIMESTAMP,
              description: 'an ISO 8601 timestamp with a zone, such as 2026-06-01T12:00:00Z',
            }),
            confidence: Type.Number({ minimum: 0, maximum: 1, description: 'a number from 0 to 1' }),
          },
          { description: 'an object' },
        ),
        { minItems: 1, maxItems: MAX_BATCH, description: `an array of 1 to ${MAX_BATCH} items` },
      ),
    },
    { description: 'a JSON object with "observations"' },
  );
}
export type ObservationBatch = Static<ReturnType<typeof observationBatchSchema>>;

export const IDEMPOTENCY_HEADERS = Type.Object({
  'idempotency-key': Type.String({
    pattern: '^[\\w-]{8,128}$',
    description: 'Idempotency-Key header of 8-128 letters, digits, "_" or "-"',
  }),
});

export const ERROR_BODY = Type.Object({ error: Type.String() });

export const ACCEPTED = Type.Object({ accepted: Type.Integer() });

export const SEGMENT_PARAMS = Type.Object({
  id: Type.String({ pattern: '^[\\w.-]{1,64}$', description: '1-64 letters, digits, "_", "-" or "."' }),
});

export const ESTIMATE = Type.Object({
  segment_id: Type.String(),
  estimate_s: Type.Number(),
  prior_s: Type.Number(),
  observations_used: Type.Integer(),
});

export const AGGREGATE = Type.Object({
  segments: Type.Integer(),
  mean_s: Type.Union([Type.Number(), Type.Null()]),
  rejected: Type.Array(Type.Number()),
});

export const HEALTH = Type.Object({ status: Type.Literal('ok'), startedAt: Type.Union([Type.String(), Type.Null()]) });
