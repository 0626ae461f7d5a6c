/**
 * Per-route rate limit buckets like Discord's: a bucket is a route key (e.g.
 * "POST /channels/:channelId/messages") plus its major parameter (channel, guild,
 * webhook or interaction). Configured buckets send X-RateLimit-* headers on every
 * response and a 429 with Retry-After when exhausted; tests can also force the next N
 * requests of a route to get 429.
 */
import { createHash } from 'node:crypto';

export interface BucketLimit {
  limit: number;
  windowMs: number;
}

export interface Forced429 {
  count: number;
  retryAfterSeconds: number;
  global: boolean;
  /** only requests with this major parameter (channel id, …); all when absent */
  majorParameter?: string;
}

export interface LimitDecision {
  headers: Record<string, string>;
  /** set when the request must be answered 429 */
  limited?: { retryAfterSeconds: number; global: boolean; forced: boolean };
}

interface BucketState {
  windowStart: number;
  used: number;
}

export class RateLimiter {
  private readonly limits = new Map<string, BucketLimit>();
  private readonly state = new Map<string, BucketState>();
  private readonly forced = new Map<string, Forced429[]>();

  constructor(initial: Record<string, BucketLimit> = {}) {
    for (const [k, v] of Object.entries(initial)) this.limits.set(k, v);
  }

  setLimit(routeKey: string, limit: BucketLimit | null): void {
    if (limit) this.limits.set(routeKey, limit);
    else this.limits.delete(routeKey);
    for (const k of [...this.state.keys()]) if (k.startsWith(routeKey + '|')) this.state.delete(k);
  }

  force(routeKey: string, f: Forced429): void {
    const list = this.forced.get(routeKey) ?? [];
    list.push({ ...f });
    this.forced.set(routeKey, list);
  }

  clear(): void {
    this.state.clear();
    this.forced.clear();
  }

  /** Called once per request that reached a known route. */
  take(routeKey: string, majorParameter: string, now = Date.now()): LimitDecision {
    const bucketHash = createHash('sha1').update(routeKey).digest('hex').slice(0, 16);
    const forced = this.forced.get(routeKey)?.find((f) => f.count > 0 && (f.majorParameter === undefined || f.majorParameter === majorParameter));
    if (forced) {
      forced.count--;
      const ra = forced.retryAfterSeconds;
      return {
        headers: {
          'X-RateLimit-Limit': String(this.limits.get(routeKey)?.limit ?? 5),
          'X-RateLimit-Remaining': '0',
          'X-RateLimit-Reset': ((now + ra * 1000) / 1000).toFixed(3),
          'X-RateLimit-Reset-After': ra.toFixed(3),
          'X-RateLimit-Bucket': bucketHash,
          'X-RateLimit-Scope': forced.global ? 'global' : 'user',
          ...(forced.global ? { 'X-RateLimit-Global': 'true' } : {}),
        },
        limited: { retryAfterSeconds: ra, global: forced.global, forced: true },
      };
    }
    const limit = this.limits.get(routeKey);
    if (!limit) return { headers: {} };
    const key = routeKey + '|' + majorParameter;
    let st = this.state.get(key);
    if (!st || now >= st.windowStart + limit.windowMs) {
      st = { windowStart: now, used: 0 };
      this.state.set(key, st);
    }
    const resetAt = st.windowStart + limit.windowMs;
    const resetAfter = Math.max(0, resetAt - now) / 1000;
    const headers: Record<string, string> = {
      'X-RateLimit-Limit': String(limit.limit),
      'X-RateLimit-Reset': (resetAt / 1000).toFixed(3),
      'X-RateLimit-Reset-After': resetAfter.toFixed(3),
      'X-RateLimit-Bucket': bucketHash,
    };
    if (st.used >= limit.limit) {
      headers['X-RateLimit-Remaining'] = '0';
      headers['X-RateLimit-Scope'] = 'user';
      return { headers, limited: { retryAfterSeconds: resetAfter, global: false, forced: false } };
    }
    st.used++;
    headers['X-RateLimit-Remaining'] = String(limit.limit - st.used);
    return { headers };
  }
}
