import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { verifySignedCall } from './auth-guard.ts';
import { invalidParam, PmError } from './errors.ts';
import { decideFault, injectedErrorCode } from './faults.ts';
import { claimIdempotencyKey, completeIdempotencyKey, fingerprintOf, idempotencyKeyOf, releaseIdempotencyKey, WRITE_METHODS } from './idempotency.ts';
import { claimedCaller, endpointOf } from './request-state.ts';
import { RESET_STATUS } from './stats.ts';

const UNSIGNED_RATE = { per_second: 50, burst: 100 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pathOf = (url: string) => url.split('?', 1)[0]!;

/** The first string in a JSON body that is not NFC, as a field path (postmart-api.md#conventions: "text in NFC"). */
function firstNonNfc(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value === value.normalize('NFC') ? null : path || 'body';
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const hit = firstNonNfc(v, `${path}[${i}]`);
      if (hit) return hit;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const hit = firstNonNfc(v, path ? `${path}.${k}` : k);
      if (hit) return hit;
    }
  }
  return null;
}

/** Destroys the connection without an answer: the client sees a reset (PUT /sandbox/config faults.reset_rate). */
function resetConnection(req: FastifyRequest): void {
  const rt = req.server.pmSandbox;
  const { partnerId, shopId } = claimedCaller(req);
  rt.stats.count('call', endpointOf(req), RESET_STATUS, partnerId, shopId);
  req.pmSandbox.counted = true;
  req.raw.socket?.destroy();
}

/**
 * The life of an /api/v1 call, in order:
 * onRequest: added latency, the partner+shop token bucket (429 with Retry-After), injected 5xx or a reset;
 * preValidation: signature and token (all but /auth/*), NFC text, Idempotency-Key (replay or claim);
 * onSend: store the first answer for its key, rate-limit headers, a reset after processing;
 * onResponse: stats.
 */
export function registerApiHooks(app: FastifyInstance): void {
  app.addHook('onRequest', async (req, reply) => {
    const rt = app.pmSandbox;
    const cfg = rt.currentConfig();
    const arrivedMs = Date.now();
    if (cfg.faults.latency_ms > 0) await sleep(cfg.faults.latency_ms);

    // postmart-api.md#rate-limits: one bucket per partner+shop. Unsigned calls (/auth/*) name no shop in headers;
    // the contract sets no limit for them, so they share a generous bucket per client address.
    const { partnerId, shopId } = claimedCaller(req);
    const decision =
      partnerId && shopId && !req.url.startsWith('/api/v1/auth/')
        ? rt.limiter.take(`${partnerId}|${shopId}`, Date.now(), undefined, arrivedMs)
        : rt.limiter.take(`anonymous|${req.ip}`, Date.now(), UNSIGNED_RATE, arrivedMs);
    req.pmSandbox.rate = decision;
    if (!decision.allowed) {
      throw new PmError('RATE_LIMITED', `rate limit exceeded (bucket of ${decision.limit}); retry after ${decision.retryAfterS} s`, [], {
        headers: { 'retry-after': String(decision.retryAfterS) },
      });
    }

    const fault = decideFault(cfg.faults, rt.deps.random);
    req.pmSandbox.fault = fault;
    if (fault.kind === 'error') {
      throw new PmError(injectedErrorCode(req.routeOptions.url), 'injected fault: the service failed, retry later', [], { status: fault.status });
    }
    if (fault.kind === 'reset' && fault.when === 'before') {
      resetConnection(req);
      reply.hijack();
    }
  });

  app.addHook('preValidation', async (req, reply) => {
    if (req.is404) return; // nothing to protect: the 404 answer itself
    const state = req.pmSandbox;
    if (!req.url.startsWith('/api/v1/auth/')) {
      state.caller = await verifySignedCall(app.pmSandbox.deps.db, { method: req.method, url: req.raw.url ?? req.url, headers: req.headers, rawBody: state.rawBody });
    }
    const notNfc = firstNonNfc(req.body, '');
    if (notNfc) throw invalidParam(notNfc, 'text must be Unicode NFC (postmart-api.md#conventions)');

    if (!WRITE_METHODS.has(req.method)) return;
    // postmart-api.md#idempotency-and-versions: every POST, PATCH and DELETE, /auth included.
    const key = idempotencyKeyOf(req.headers);
    const body = (req.body ?? {}) as { shop_id?: unknown };
    const scope = state.caller ? `${state.caller.partnerId}:${state.caller.shopId}` : `auth:${typeof body.shop_id === 'string' ? body.shop_id : ''}`;
    const outcome = await claimIdempotencyKey(app.pmSandbox.deps.db, { scope, key, fingerprint: fingerprintOf(req.method, pathOf(req.raw.url ?? req.url), state.rawBody) });
    if (outcome.kind === 'replay') {
      state.replayed = true;
      return reply.code(outcome.statusCode).header('idempotent-replayed', 'true').type('application/json; charset=utf-8').send(outcome.body);
    }
    state.idempotency = outcome.claim;
    state.idempotencyKey = key;
  });

  app.addHook('onSend', async (req, reply: FastifyReply, payload) => {
    const state = req.pmSandbox;
    const claim = state.idempotency;
    if (claim) {
      state.idempotency = null;
      // A 5xx is not an answer: the key is freed so the retry runs again.
      if (reply.statusCode < 500) await completeIdempotencyKey(app.pmSandbox.deps.db, claim, reply.statusCode, typeof payload === 'string' ? payload : String(payload ?? ''));
      else await releaseIdempotencyKey(app.pmSandbox.deps.db, claim);
    }
    const rate = state.rate;
    if (rate) {
      reply.header('x-ratelimit-limit', String(rate.limit));
      reply.header('x-ratelimit-remaining', String(rate.remaining));
      reply.header('x-ratelimit-reset', String(rate.resetS));
    }
    if (state.fault.kind === 'reset' && state.fault.when === 'after' && !state.counted) resetConnection(req);
    return payload;
  });

  app.addHook('onResponse', async (req, reply) => {
    const state = req.pmSandbox;
    if (state.counted) return;
    const stats = app.pmSandbox.stats;
    const endpoint = endpointOf(req);
    const { partnerId, shopId } = state.caller ?? claimedCaller(req);
    const status = reply.statusCode;
    stats.count('call', endpoint, status, partnerId, shopId);
    if (status === 429) stats.count('rate_limited', endpoint, status, partnerId, shopId);
    if (state.rate?.duringRetryAfter) {
      stats.count('during_retry_after', endpoint, status, partnerId, shopId);
      req.log.warn({ endpoint, partnerId, shopId, msAfter429: state.rate.windowAgeMs }, 'call during a Retry-After window');
    }
    if (state.replayed) stats.count('idempotent_replay', endpoint, status, partnerId, shopId);
  });
}
