import type { MiddlewareHandler } from 'hono';
import { step } from './steps.js';
import { bearerToken } from '../auth/bearer.js';
import { type AppEnv, requestHeader, withAnswerHeaders } from '../context.js';
import { errors } from '../errors.js';
import { PLAN_LIMITS, type Plan } from '../store/types.js';
import type { RateLimiter } from './rate-windows.js';

export interface RateLimitOptions {
  limiter: RateLimiter;
  /**
   * The window a bearer token counts in, and its plan, if it is a known credential: one per
   * API key, one per OAuth client and workspace (however many tokens it mints).
   */
  bucketOf: (token: string) => { bucket: string; plan: Plan } | undefined;
  defaultPlan: Plan;
  /**
   * False with `--no-rate-limit`: requests are still counted and the X-RateLimit-* headers still
   * sent (SDKs parse them), but none is refused. Default true.
   */
  enforce?: boolean;
}

/** Counts every public request (errors included) and sets the X-RateLimit-* headers; 429 beyond the limit (when enforced). */
export function rateLimit(opts: RateLimitOptions): MiddlewareHandler<AppEnv> {
  const enforce = opts.enforce ?? true;
  return step(function limitRate(c, next) {
    const token = bearerToken(requestHeader(c, 'authorization'));
    const known = token === undefined ? undefined : opts.bucketOf(token);
    // Unknown credentials count against the client address: made-up tokens never add windows.
    const address = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress;
    const d = opts.limiter.hit(known?.bucket ?? `ip:${address ?? 'local'}`, PLAN_LIMITS[known?.plan ?? opts.defaultPlan]);
    const headers = c.get('answerHeaders') ?? {};
    headers['x-ratelimit-limit'] = String(d.limit);
    headers['x-ratelimit-remaining'] = String(d.remaining);
    headers['x-ratelimit-reset'] = String(d.reset);
    c.set('answerHeaders', headers);
    if (!d.allowed && enforce) throw errors.rateLimited(d.limit, d.retryAfter);
    const done = next() as Promise<void> | undefined;
    if (done instanceof Promise) return done.then(() => withAnswerHeaders(c));
    withAnswerHeaders(c);
  });
}
