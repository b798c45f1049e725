import { beforeEach, describe, expect, it } from 'vitest';
import { createClock, type Clock } from '../../src/clock.js';
import { RateLimiter } from '../../src/middleware/rate-windows.js';
import { PLAN_LIMITS, type Plan } from '../../src/store/types.js';

// 30 s into a one-minute window that ends at 12:01:00.
const T0 = Date.parse('2026-07-01T12:00:30Z');
const WINDOW_END_S = Date.parse('2026-07-01T12:01:00Z') / 1000;

describe('RateLimiter', () => {
  let clock: Clock;
  let limiter: RateLimiter;
  beforeEach(() => {
    clock = createClock();
    clock.freeze(T0);
    limiter = new RateLimiter(clock);
  });

  it.each(Object.entries(PLAN_LIMITS) as [Plan, number][])('%s: allows exactly %i requests a window, then refuses', (_plan, limit) => {
    for (let i = 1; i <= limit; i++) {
      expect(limiter.hit('key:a', limit)).toMatchObject({ allowed: true, limit, remaining: limit - i });
    }
    expect(limiter.hit('key:a', limit)).toEqual({ limit, remaining: 0, reset: WINDOW_END_S, allowed: false, retryAfter: 30 });
  });

  it('the first hit reports the window end and what is left', () => {
    expect(limiter.hit('key:a', 60)).toEqual({ limit: 60, remaining: 59, reset: WINDOW_END_S, allowed: true, retryAfter: 30 });
  });

  it('starts a new window when the clock crosses the minute', () => {
    for (let i = 0; i < 3; i++) limiter.hit('key:a', 2);
    expect(limiter.hit('key:a', 2).allowed).toBe(false);
    clock.advance(29_999); // 12:00:59.999, still the same window
    expect(limiter.hit('key:a', 2)).toMatchObject({ allowed: false, retryAfter: 1 });
    clock.advance(1); // 12:01:00
    expect(limiter.hit('key:a', 2)).toEqual({ limit: 2, remaining: 1, reset: WINDOW_END_S + 60, allowed: true, retryAfter: 60 });
  });

  it.each([
    [0, 30],
    [29_000, 1],
    [29_500, 1],
    [29_999, 1],
    [-30_000, 60],
    [-29_001, 60],
    [-28_999, 59],
  ])('Retry-After %i ms from T0 is %i s (whole seconds, at least 1)', (offset, seconds) => {
    clock.advance(offset);
    limiter.hit('key:a', 1);
    expect(limiter.hit('key:a', 1)).toMatchObject({ allowed: false, retryAfter: seconds });
  });

  it('keeps separate windows per bucket', () => {
    limiter.hit('key:a', 1);
    expect(limiter.hit('key:a', 1).allowed).toBe(false);
    expect(limiter.hit('key:b', 1)).toMatchObject({ allowed: true, remaining: 0 });
    expect(limiter.hit('ip:local', 1).allowed).toBe(true);
    expect(limiter.size).toBe(3);
  });

  it('reset() forgets every window', () => {
    limiter.hit('key:a', 1);
    limiter.reset();
    expect(limiter.size).toBe(0);
    expect(limiter.hit('key:a', 1).allowed).toBe(true);
  });

  it('drops windows of past minutes once more than 10 000 are held', () => {
    for (let i = 0; i <= 10_000; i++) limiter.hit(`ip:${i}`, 60);
    expect(limiter.size).toBe(10_001);
    clock.advance(60_000);
    limiter.hit('ip:new', 60);
    expect(limiter.size).toBe(1);
  });

  it('does not sweep at or below 10 000 windows', () => {
    for (let i = 0; i < 10_000; i++) limiter.hit(`ip:${i}`, 60);
    clock.advance(60_000);
    limiter.hit('ip:new', 60);
    expect(limiter.size).toBe(10_001);
  });
});
