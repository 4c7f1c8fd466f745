import type { FastifySchemaValidationError } from 'fastify';
import { Ajv, type ErrorObject } from 'ajv';
import type { ErrorDetail } from './errors.ts';

/**
 * Two validators: JSON bodies are checked strictly (a price sent as "100" is an error, not 100:
 * money is integer VND), while querystrings, params and headers arrive as text and are coerced.
 */
const strict = new Ajv({ removeAdditional: false, useDefaults: true, coerceTypes: false, allErrors: false, strict: false });
const coercing = new Ajv({ removeAdditional: false, useDefaults: true, coerceTypes: 'array', allErrors: false, strict: false });

export function compileValidator({ schema, httpPart }: { schema: object; httpPart?: string }) {
  return (httpPart === 'body' ? strict : coercing).compile(schema);
}

/** An Ajv error as the contract's `details[]` entry: the field as a path (skus[0].price) and what is wrong. */
export function detailOf(e: FastifySchemaValidationError | ErrorObject, context: string | undefined): ErrorDetail {
  const segments = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = e.params as { missingProperty?: string; additionalProperty?: string };
  if (e.keyword === 'required' && params.missingProperty) segments.push(params.missingProperty);
  if (e.keyword === 'additionalProperties' && params.additionalProperty) segments.push(params.additionalProperty);
  let field = '';
  for (const s of segments) field += /^\d+$/.test(s) ? `[${s}]` : field === '' ? s : `.${s}`;
  if (field === '') field = context ?? 'body';
  const message =
    e.keyword === 'additionalProperties' ? 'is not an accepted field' : e.keyword === 'required' ? 'is required' : (e.message ?? 'is invalid');
  return { field, message };
}
