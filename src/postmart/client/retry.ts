import { setTimeout as sleep } from 'node:timers/promises';
import { PostmartError } from './errors.ts';

export type RetryPolicy = { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 200, maxDelayMs: 20_000 };

/** "Full jitter" exponential backoff: uniform in [0, min(cap, base·2^attempt)]. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random = Math.random): number {
  return Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt));
}

/**
 * Runs `fn` until it succeeds, fails with a non-retryable error, or runs out of attempts. A
 * Retry-After from the server is honoured exactly: we never call again before it has elapsed.
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy = DEFAULT_RETRY,
  hooks: { onRetry?: (err: PostmartError, delayMs: number, attempt: number) => void; signal?: AbortSignal } = {},
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!(err instanceof PostmartError) || !err.retryable || attempt + 1 >= policy.maxAttempts) throw err;
      const delay = err.retryAfterMs !== null ? err.retryAfterMs : backoffDelay(policy, attempt);
      hooks.onRetry?.(err, delay, attempt);
      await sleep(delay, undefined, { signal: hooks.signal });
    }
  }
}
