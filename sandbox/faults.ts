import type { RuntimeConfig } from './config.ts';

/**
 * Fault injection on /api/v1 calls (postmart-api.md#the-sandbox, PUT /sandbox/config `faults`):
 * `latency_ms` is added to every call; one draw per call picks an injected 5xx with probability
 * `error_rate` or a connection reset with probability `reset_rate`.
 *
 * A reset happens before the call is processed or after it (the answer is computed, committed and
 * then the socket is destroyed before a byte is sent), with equal chance: the client cannot tell
 * which, and that is exactly what Idempotency-Key exists for.
 */
export type FaultDecision =
  | { kind: 'none' }
  | { kind: 'error'; status: 500 | 503 }
  | { kind: 'reset'; when: 'before' | 'after' };

export function decideFault(faults: RuntimeConfig['faults'], random: () => number): FaultDecision {
  const u = random();
  if (u < faults.error_rate) return { kind: 'error', status: random() < 0.5 ? 500 : 503 };
  if (u < faults.error_rate + faults.reset_rate) return { kind: 'reset', when: random() < 0.5 ? 'before' : 'after' };
  return { kind: 'none' };
}

/** Calls to the carrier side answer CARRIER_UNAVAILABLE when they fail; everything else INTERNAL. */
export function injectedErrorCode(route: string | undefined): 'INTERNAL' | 'CARRIER_UNAVAILABLE' {
  return route !== undefined && /\/orders\/:order_sn\/(ship|tracking)$/.test(route) ? 'CARRIER_UNAVAILABLE' : 'INTERNAL';
}
