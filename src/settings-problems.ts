// Turns the settings schema's validation errors into one sentence per variable that names it, its range and
// what was given (never a secret's value), so a bad deployment says what to fix in one line each.

import type { ErrorObject } from 'ajv';

interface VariableSchema {
  type?: string;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  enum?: readonly string[];
  description?: string;
}

export function settingsProblems(
  schema: { properties: Record<string, VariableSchema> },
  errors: readonly ErrorObject[],
  given: Readonly<Record<string, string>>,
): string[] {
  const problems = new Map<string, string>();
  for (const error of errors) {
    const name = error.instancePath.split('/')[1];
    const variable = name ?? String((error.params as { missingProperty?: string }).missingProperty);
    if (problems.has(variable)) continue;
    const property = schema.properties[variable] ?? {};
    problems.set(variable, describeProblem(variable, property, given[variable]));
  }
  return [...problems.values()];
}

function describeProblem(name: string, schema: VariableSchema, raw: string | undefined): string {
  if (schema.type === 'number' || schema.type === 'integer') {
    const low = schema.exclusiveMinimum === undefined ? `at least ${schema.minimum}` : `greater than ${schema.exclusiveMinimum}`;
    return `${name} must be a ${schema.type === 'integer' ? 'whole number' : 'number'} ${low} and at most ${schema.maximum}, got "${raw}".`;
  }
  if (schema.enum !== undefined) return `${name} must be one of ${schema.enum.join(', ')}, got "${raw}".`;
  // Strings described in words hold tokens: say how much was given, never what.
  return `${name} must be ${schema.description ?? 'a non-empty string'}, got ${raw === undefined ? 'nothing' : `${raw.length} characters`}.`;
}
