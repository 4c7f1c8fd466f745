import type { FastifyRequest } from 'fastify';
import type { CallerIdentity } from './auth-guard.ts';
import type { FaultDecision } from './faults.ts';
import type { IdempotencyClaim } from './idempotency.ts';
import type { RateDecision } from './rate-limit.ts';
import type { SandboxRuntime } from './runtime.ts';

/** Per-request bookkeeping of the sandbox, under one distinct name so it never meets the connector app's decorations. */
export type SandboxRequestState = {
  rawBody: Buffer;
  caller: CallerIdentity | null;
  rate: RateDecision | null;
  fault: FaultDecision;
  idempotency: IdempotencyClaim | null;
  idempotencyKey: string | null;
  replayed: boolean;
  /** The call was already counted (a deliberate connection reset). */
  counted: boolean;
};

declare module 'fastify' {
  interface FastifyInstance {
    pmSandbox: SandboxRuntime;
  }
  interface FastifyRequest {
    pmSandbox: SandboxRequestState;
  }
}

export const EMPTY_BODY = Buffer.alloc(0);

export function freshState(): SandboxRequestState {
  return { rawBody: EMPTY_BODY, caller: null, rate: null, fault: { kind: 'none' }, idempotency: null, idempotencyKey: null, replayed: false, counted: false };
}

/** "POST /api/v1/products/{product_id}/unlist": the route pattern, in the contract's notation, for stats. */
export function endpointOf(req: FastifyRequest): string {
  const url = req.routeOptions.url;
  // '::' is a literal colon in a route (prices::batch); ':name' is a parameter.
  const pattern = url ? url.split('::').map((part) => part.replace(/:([A-Za-z_]+)/g, '{$1}')).join(':') : '(no such route)';
  return `${req.method} ${pattern}`;
}

export function headerOf(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The caller of a signed call, as far as it can be told before verification (for rate limits and stats). */
export function claimedCaller(req: FastifyRequest): { partnerId: string; shopId: string } {
  return { partnerId: headerOf(req, 'x-pm-partner-id') ?? '', shopId: headerOf(req, 'x-pm-shop-id') ?? '' };
}
