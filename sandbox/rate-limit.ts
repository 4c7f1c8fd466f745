/**
 * Token bucket per partner+shop (postmart-api.md#rate-limits): `burst` tokens, refilled at
 * `per_second`. Buckets live in memory (allowed by the sandbox's design: they are not business
 * state, and a restart that refills them is harmless).
 *
 * Headers: X-RateLimit-Limit is the bucket size (burst), X-RateLimit-Remaining the whole tokens
 * left after this call, X-RateLimit-Reset the unix second at which the bucket is full again.
 * A refused call gets Retry-After: whole seconds until one token is back. Any call made before a
 * Retry-After window has passed is reported as made during the window (abusive). "Made" is when
 * the call reached the sandbox (`arrivedMs`), before any injected latency: a call already on its
 * way when the 429 was given could not have known of the window, so it is not counted (each 429
 * is judged on its own, so the first of a run of 429s does not stand for the later ones); nor, with a
 * grace (`retry_after_grace_ms`), one arriving within it of the 429 (sent while the caller was still
 * reading the 429).
 */
export type RateDecision = {
  allowed: boolean;
  limit: number;
  remaining: number;
  resetS: number;
  retryAfterS: number | null;
  duringRetryAfter: boolean;
  /** For a call during a window: how long after that window's 429 the call arrived (ms). */
  windowAgeMs: number | null;
};

/** `windows`: each 429's own Retry-After window (given at `from`, until `until`), the expired ones dropped. */
type Bucket = { tokens: number; at: number; windows: { from: number; until: number }[]; retryUntil: number };

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly rate: () => { per_second: number; burst: number },
    private readonly graceMs: () => number = () => 0,
  ) {}

  /** `rate` overrides the configured one for this bucket (the /auth bucket, see api-hooks.ts). */
  take(key: string, nowMs = Date.now(), rate = this.rate(), arrivedMs = nowMs): RateDecision {
    const { per_second: perSecond, burst } = rate;
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: burst, at: nowMs, windows: [], retryUntil: 0 };
      this.buckets.set(key, b);
      if (this.buckets.size > 50_000) this.prune(nowMs);
    }
    b.tokens = Math.min(burst, b.tokens + ((nowMs - b.at) / 1000) * perSecond);
    b.at = nowMs;
    // Inside a window: the call reached us after that window's 429 was given (plus the grace) and
    // before it ended. Each 429 has its own window, so a call already on its way when a later 429
    // is given is judged by that 429's time, not by the first of a run of them.
    const grace = this.graceMs();
    b.windows = b.windows.filter((w) => w.until > arrivedMs);
    const window = b.windows.find((w) => arrivedMs >= w.from + grace);
    const duringRetryAfter = window !== undefined;
    let allowed = false;
    let retryAfterS: number | null = null;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      allowed = true;
    } else {
      retryAfterS = Math.max(1, Math.ceil((1 - b.tokens) / perSecond));
      b.windows.push({ from: nowMs, until: nowMs + retryAfterS * 1000 });
      b.retryUntil = Math.max(b.retryUntil, nowMs + retryAfterS * 1000);
    }
    const resetS = Math.ceil((nowMs + ((burst - b.tokens) / perSecond) * 1000) / 1000);
    return { allowed, limit: burst, remaining: Math.floor(b.tokens), resetS, retryAfterS, duringRetryAfter, windowAgeMs: window ? arrivedMs - window.from : null };
  }

  clear(): void {
    this.buckets.clear();
  }

  /** Drops buckets that have refilled completely: forgetting them changes nothing. */
  private prune(nowMs: number): void {
    const { per_second: perSecond, burst } = this.rate();
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((nowMs - b.at) / 1000) * perSecond >= burst && nowMs >= b.retryUntil) this.buckets.delete(key);
    }
  }
}
