import type { MiddlewareHandler } from 'hono';
import { bearerToken } from '../auth/bearer.js';
import type { Clock } from '../clock.js';
import { errors } from '../errors.js';
import type { Plan } from '../store/types.js';
import type { AppEnv } from '../types.js';

/** Requests per minute by plan, as the overview lists them. */
export const PLAN_LIMITS: Record<Plan, number> = { starter: 60, professional: 300, business: 1000 };

const WINDOW_MS = 60_000;

export interface RateDecision {
  limit: number;
  remaining: number;
  /** End of the window, unix seconds. */
  reset: number;
  allowed: boolean;
  retryAfter: number;
}

/**
 * Fixed one-minute windows on the mock clock, per bucket (a credential, or a client address
 * when there is none). Counting is synchronous, so it is exact under any concurrency.
 */
export class RateLimiter {
  private windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly clock: Clock) {}

  hit(bucket: string, limit: number): RateDecision {
    const now = this.clock.now();
    const start = Math.floor(now / WINDOW_MS) * WINDOW_MS;
    let w = this.windows.get(bucket);
    if (!w || w.start !== start) {
      if (this.windows.size > 10_000) this.sweep(start);
      w = { start, count: 0 };
      this.windows.set(bucket, w);
    }
    const allowed = w.count < limit;
    if (allowed) w.count++;
    const end = start + WINDOW_MS;
    return {
      limit,
      remaining: Math.max(0, limit - w.count),
      reset: Math.ceil(end / 1000),
      allowed,
      retryAfter: Math.max(1, Math.ceil((end - now) / 1000)),
    };
  }

  reset(): void {
    this.windows.clear();
  }

  /** Windows held (one per credential or client address in use). */
  get size(): number {
    return this.windows.size;
  }

  private sweep(current: number): void {
    for (const [bucket, w] of this.windows) if (w.start < current) this.windows.delete(bucket);
  }
}

export interface RateLimitOptions {
  limiter: RateLimiter;
  /**
   * The window a bearer token counts in, and its plan, if it is a known credential: one per
   * API key, one per OAuth client and workspace (however many tokens it mints).
   */
  bucketOf: (token: string) => { bucket: string; plan: Plan } | undefined;
  defaultPlan: Plan;
}

/** Counts every public request (errors included) and sets the X-RateLimit-* headers; 429 beyond the limit. */
export function rateLimit(opts: RateLimitOptions): MiddlewareHandler<AppEnv> {
  return async function limitRate(c, next) {
    const token = bearerToken(c.req.header('authorization'));
    const known = token === undefined ? undefined : opts.bucketOf(token);
    // Unknown credentials count against the client address: made-up tokens never add windows.
    const address = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress;
    const d = opts.limiter.hit(known?.bucket ?? `ip:${address ?? 'local'}`, PLAN_LIMITS[known?.plan ?? opts.defaultPlan]);
    c.header('X-RateLimit-Limit', String(d.limit));
    c.header('X-RateLimit-Remaining', String(d.remaining));
    c.header('X-RateLimit-Reset', String(d.reset));
    if (!d.allowed) throw errors.rateLimited(d.limit, d.retryAfter);
    return next();
  };
}
