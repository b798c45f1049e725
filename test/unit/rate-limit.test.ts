import { Hono } from 'hono';
import { beforeEach, describe, expect, it } from 'vitest';
import { createClock, type Clock } from '../../src/clock.js';
import type { AppEnv } from '../../src/context.js';
import { errors, renderError } from '../../src/errors.js';
import { rateLimit } from '../../src/middleware/rate-limit.js';
import { RateLimiter } from '../../src/middleware/rate-windows.js';

const T0 = Date.parse('2026-07-01T12:00:30Z');
const RESET = String(Date.parse('2026-07-01T12:01:00Z') / 1000);

describe('rateLimit middleware', () => {
  let clock: Clock;
  let limiter: RateLimiter;
  let app: Hono<AppEnv>;
  const get = (token?: string) => app.request('/v1/x', { headers: token ? { authorization: `Bearer ${token}` } : {} });

  beforeEach(() => {
    clock = createClock();
    clock.freeze(T0);
    limiter = new RateLimiter(clock);
    app = new Hono<AppEnv>();
    app.onError((err, c) => renderError(err, c));
    app.use(
      rateLimit({
        limiter,
        // One known credential on the business plan; everything else is unknown.
        bucketOf: (token) => (token === 'sk_known' ? { bucket: 'key:known', plan: 'business' } : undefined),
        defaultPlan: 'starter',
      }),
    );
    app.get('/v1/x', (c) => c.text('ok'));
    app.get('/v1/fails', () => {
      throw errors.notFound('ticket', 't_1');
    });
  });

  it('sets X-RateLimit-* from the plan of a known credential', async () => {
    const res = await get('sk_known');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
    expect(res.headers.get('x-ratelimit-limit')).toBe('1000');
    expect(res.headers.get('x-ratelimit-remaining')).toBe('999');
    expect(res.headers.get('x-ratelimit-reset')).toBe(RESET);
  });

  it('counts requests without a known credential against the client address, on the default plan', async () => {
    await get();
    await get('made_up_1');
    const res = await get('made_up_2');
    expect(res.headers.get('x-ratelimit-limit')).toBe('60');
    expect(res.headers.get('x-ratelimit-remaining')).toBe('57');
    expect(limiter.size).toBe(1); // made-up tokens add no windows
  });

  it('counts requests that end in an error, and keeps the headers on the error', async () => {
    const res = await app.request('/v1/fails', { headers: { authorization: 'Bearer sk_known' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-ratelimit-remaining')).toBe('999');
    expect((await get('sk_known')).headers.get('x-ratelimit-remaining')).toBe('998');
  });

  it('answers 429 in the CommFlow envelope with Retry-After past the limit', async () => {
    for (let i = 0; i < 60; i++) expect((await get()).status).toBe(200);
    const res = await get();
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('30');
    expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(res.headers.get('x-ratelimit-limit')).toBe('60');
    expect(await res.json()).toEqual({
      error: {
        type: 'rate_limit_error',
        code: 'rate_limit_exceeded',
        param: null,
        message: 'Too many requests: the limit is 60 per minute. Retry after 30 seconds.',
      },
    });
    // A known credential has its own window.
    expect((await get('sk_known')).status).toBe(200);
  });

  it('lets requests through again in the next window', async () => {
    for (let i = 0; i < 61; i++) await get();
    clock.advance(30_000);
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ratelimit-remaining')).toBe('59');
    expect(res.headers.get('x-ratelimit-reset')).toBe(String(Number(RESET) + 60));
  });
});
