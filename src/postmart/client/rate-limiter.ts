import { createHash } from 'node:crypto';
import type { RedisConnection } from '../../redis.ts';

// One token bucket per partner+shop in Redis, shared by every worker process, so together they
// stay under Postmart's per-shop limit (postmart-api.md#rate-limits). The same script honours a
// pause set after a 429, so no worker calls during a Retry-After window. Redis TIME is the clock,
// so workers on different hosts agree. Returns 0 when a token was taken, else the ms to wait.
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
if paused > now then return paused - now end
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(b[1]) or burst
local ts = tonumber(b[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate / 1000)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) * 1000 / rate) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
return wait
`;

// Extends the pause to now + ms, never shortening one already set, and empties the bucket as of the
// pause's end: the calls that waited it out then leave one by one at the bucket's rate, not all at
// once (a burst after every window is what keeps a shop that is over its limit at Postmart over it).
const PAUSE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untilMs = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if untilMs > current then
  redis.call('SET', KEYS[1], tostring(untilMs), 'PX', tonumber(ARGV[1]) + 1000)
  redis.call('HSET', KEYS[2], 'tokens', '0', 'ts', tostring(untilMs))
  redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[1]) + tonumber(ARGV[2]))
end
return untilMs
`;

// The ms left of a pause set after a 429 (0 when none), on Redis's clock like the others.
const PAUSED_FOR = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local paused = tonumber(redis.call('GET', KEYS[1]) or '0')
if paused > now then return paused - now end
return 0
`;

const sha1 = (script: string) => createHash('sha1').update(script).digest('hex');
const SCRIPTS = { take: { src: TAKE, sha: sha1(TAKE) }, pause: { src: PAUSE, sha: sha1(PAUSE) }, pausedFor: { src: PAUSED_FOR, sha: sha1(PAUSED_FOR) } };

export type RateLimiterOptions = { perSecond: number; burst: number; prefix: string };

export class RateLimiter {
  /**
   * The pauses this process was told of, by scope (until, on this process's clock). Redis holds the
   * shared pause, but a Redis that restarts empty forgets it, and one that is down cannot take it:
   * this process still never calls inside a Retry-After window it received.
   */
  private readonly localPause = new Map<string, number>();

  constructor(
    private readonly redis: RedisConnection,
    private readonly opts: RateLimiterOptions,
  ) {}

  private localPausedFor(scope: string): number {
    const until = this.localPause.get(scope);
    if (until === undefined) return 0;
    const left = until - Date.now();
    if (left <= 0) this.localPause.delete(scope);
    return Math.max(0, left);
  }

  private keys(scope: string): [string, string] {
    // Both keys share the hash-tagged prefix, so they live in one Redis Cluster slot.
    return [`${this.opts.prefix}:pm:bucket:${scope}`, `${this.opts.prefix}:pm:pause:${scope}`];
  }

  /** Waits until a call for `scope` (partner:shop) is allowed. */
  async acquire(scope: string, signal?: AbortSignal): Promise<void> {
    const [bucket, pause] = this.keys(scope);
    for (;;) {
      signal?.throwIfAborted();
      const local = this.localPausedFor(scope);
      if (local > 0) {
        // Shares it again, in case Redis lost it or could not take it (no-op when Redis has it).
        void this.share(scope, local);
        await new Promise((r) => setTimeout(r, local));
        continue;
      }
      const wait = Number(await this.run(SCRIPTS.take, [bucket, pause], [this.opts.perSecond, this.opts.burst]));
      // A 429 may have reached this process while the token was on its way (Redis slow, restarting,
      // or the commands queued while it was down): that token is from before the pause.
      if (wait <= 0 && this.localPausedFor(scope) > 0) continue;
      if (wait <= 0) return;
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  /**
   * EVALSHA, and EVAL only when Redis does not hold the script yet (a restart, a new cluster node):
   * every Postmart call takes a token, and sending the script's text each time was most of the bytes.
   */
  private async run(script: { src: string; sha: string }, keys: string[], args: number[]): Promise<unknown> {
    try {
      return await this.redis.evalsha(script.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return this.redis.eval(script.src, keys.length, ...keys, ...args);
    }
  }

  /** How long `scope` is still paused after a 429 (ms; 0 when it is not). Takes no token. */
  async pausedFor(scope: string): Promise<number> {
    const [, pause] = this.keys(scope);
    const local = this.localPausedFor(scope);
    return Math.max(local, Number(await this.run(SCRIPTS.pausedFor, [pause], [])));
  }

  /**
   * After a 429: nobody calls for `scope` before `ms` have passed (Retry-After honoured exactly).
   * Kept in this process first, so a Redis that is down or restarts empty cannot make us forget it;
   * a failure to share it through Redis is left to the next call's acquire (which needs Redis too),
   * so the 429 itself, not a Redis error, is what the caller sees and retries on.
   */
  async pause(scope: string, ms: number): Promise<void> {
    const wait = Math.max(0, Math.ceil(ms));
    this.localPause.set(scope, Math.max(this.localPause.get(scope) ?? 0, Date.now() + wait));
    await this.share(scope, wait);
  }

  /** Writes the pause to Redis for the other processes; a failure is not the caller's (see pause). */
  private async share(scope: string, ms: number): Promise<void> {
    const [bucket, pause] = this.keys(scope);
    await this.run(SCRIPTS.pause, [pause, bucket], [ms, Math.ceil((this.opts.burst * 1000) / this.opts.perSecond) + 1000]).catch(() => undefined);
  }
}
