// Fastify's schema errors as the service's 400s: one sentence naming the field by its path in the body
// (`observations[1].confidence`) and what it must be, taken from the field's schema `description`.

import type { FastifySchemaValidationError } from 'fastify';

interface DescribedSchema {
  description?: string;
  properties?: Record<string, DescribedSchema>;
  items?: DescribedSchema;
}

export class ValidationError extends Error {
  readonly statusCode = 400;
}

/** A route's `schemaErrorFormatter`: `schemas` are the ones the route declared, by the part of the request they check. */
export function describeValidationError(schemas: Partial<Record<'body' | 'headers' | 'params' | 'querystring', object>>) {
  return (errors: FastifySchemaValidationError[], dataVar: string): Error => {
    const error = errors[0] as FastifySchemaValidationError;
    const missing = (error.params as { missingProperty?: string }).missingProperty;
    const segments = [...error.instancePath.split('/').slice(1), ...(missing === undefined ? [] : [missing])].map((s) =>
      s.replace(/~1/g, '/').replace(/~0/g, '~'),
    );
    let schema = schemas[dataVar as keyof typeof schemas] as DescribedSchema | undefined;
    for (const segment of segments)
      schema = /^\d+$/.test(segment) && schema?.items !== undefined ? schema.items : schema?.properties?.[segment];
    const description = schema?.description ?? error.message ?? 'valid';
    // A header names itself in its description; a body field by its path.
    if (dataVar === 'headers') return new ValidationError(`${description} is required`);
    const field = segments.reduce((path, s) => (/^\d+$/.test(s) ? `${path}[${s}]` : path === '' ? s : `${path}.${s}`), '');
    return new ValidationError(`${field === '' ? dataVar : field} must be ${description}`);
  };
}
