import { AjvCompiler, type ValidatorFactory } from '@fastify/ajv-compiler';

type RouteDef = Parameters<ReturnType<ValidatorFactory>>[0];
type AjvValidate = ((data: unknown) => boolean) & { errors?: unknown[] | null };

// Reject unknown properties (additionalProperties: false) instead of silently dropping them.
const COMMON = { removeAdditional: false, useDefaults: true, allErrors: false } as const;

/**
 * Ajv coerces "Infinity" and "1e400" to a number and then skips minimum/maximum for non-finite
 * values, so `limit=Infinity` passed validation. A coerced query or path value that is not finite
 * is refused here as "not a number", naming its field.
 */
function refuseNonFinite(validate: AjvValidate): AjvValidate {
  const wrapped = ((data: unknown) => {
    if (!validate(data)) {
      wrapped.errors = validate.errors ?? null;
      return false;
    }
    if (data !== null && typeof data === 'object') {
      for (const [key, value] of Object.entries(data)) {
        if (typeof value === 'number' && !Number.isFinite(value)) {
          wrapped.errors = [{ keyword: 'type', instancePath: `/${key}`, schemaPath: '#/type', params: { type: 'number' }, message: 'must be a finite number' }];
          return false;
        }
      }
    }
    wrapped.errors = null;
    return true;
  }) as AjvValidate;
  return wrapped;
}

/**
 * Fastify's validator factory (schemaController.compilersFactory.buildValidator) with two Ajv
 * instances: bodies are validated as sent, without type coercion, so `{"priceVnd": true}` or
 * `{"lat": null}` is a 400 instead of 1 or 0; query strings, path parameters and headers arrive
 * as text and keep Ajv's coercion ("?limit=20" is the integer 20).
 */
export function buildValidators(): ValidatorFactory {
  const pool = AjvCompiler();
  type PoolOptions = Parameters<ValidatorFactory>[1];
  const withCoercion = (options: PoolOptions, coerceTypes: false | 'array') =>
    ({ ...options, customOptions: { ...options?.customOptions, ...COMMON, coerceTypes } }) as PoolOptions;
  return ((externalSchemas, options) => {
    const strict = pool(externalSchemas, withCoercion(options, false));
    const coercing = pool(externalSchemas, withCoercion(options, 'array'));
    return (route: RouteDef) => {
      if (route.httpPart === 'body') return strict(route);
      return refuseNonFinite(coercing(route));
    };
  }) as ValidatorFactory;
}
