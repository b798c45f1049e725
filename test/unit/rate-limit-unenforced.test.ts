import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createClock } from '../../src/clock.js';
import type { AppEnv } from '../../src/context.js';
import { renderError } from '../../src/errors.js';
import { rateLimit } from '../../src/middleware/rate-limit.js';
import { RateLimiter } from '../../src/middleware/rate-windows.js';

/** --no-rate-limit: SDKs parse X-RateLimit-*, so the headers stay; only the refusal goes. */
describe('rateLimit with enforce: false', () => {
  function app(enforce: boolean) {
    const clock = createClock();
    clock.freeze(Date.parse('2026-07-01T12:00:30Z'));
    const a = new Hono<AppEnv>();
    a.onError((err, c) => renderError(err, c));
    a.use(rateLimit({ limiter: new RateLimiter(clock), bucketOf: () => ({ bucket: 'key:k', plan: 'starter' }), defaultPlan: 'starter', enforce }));
    a.get('/v1/x', (c) => c.text('ok'));
    return a;
  }

  it('keeps counting and sending the headers past the limit, and refuses nothing', async () => {
    const a = app(false);
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 61; i++) {
      last = await a.request('/v1/x', { headers: { authorization: 'Bearer sk_k' } });
      statuses.push(last.status);
    }
    expect(new Set(statuses)).toEqual(new Set([200]));
    expect(last!.headers.get('x-ratelimit-limit')).toBe('60');
    expect(last!.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(last!.headers.get('x-ratelimit-reset')).toBe(String(Date.parse('2026-07-01T12:01:00Z') / 1000));
  });

  it('refuses the 61st request of a starter key when enforced (the default)', async () => {
    const a = app(true);
    let last: Response | undefined;
    for (let i = 0; i < 61; i++) last = await a.request('/v1/x', { headers: { authorization: 'Bearer sk_k' } });
    expect(last!.status).toBe(429);
  });
});
