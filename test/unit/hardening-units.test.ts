import { describe, expect, it } from 'vitest';
import { MAX_INSTANT, parseInstant } from '../../src/clock.js';
import { depthOf, nestedDeeperThan } from '../../src/openapi/json-depth.js';
import { dict, own } from '../../src/store/dict.js';
import { idSuffixes } from '../../src/store/ids.js';
import { failureOf, recordAttempt } from '../../src/webhooks/attempt.js';
import { isOwnAddress, reachesSelf } from '../../src/webhooks/targets.js';

describe('id suffixes', () => {
  it('never repeat for different counters, and repeat for the same seed and workspace', () => {
    const f = idSuffixes(1, 'ws_456');
    const seen = new Set(Array.from({ length: 50_000 }, (_, i) => f(i)));
    expect(seen.size).toBe(50_000);
    for (const s of seen) expect(s).toMatch(/^[0-9a-z]{10}$/);
    expect(idSuffixes(1, 'ws_456')(7)).toBe(f(7));
    expect(idSuffixes(2, 'ws_456')(7)).not.toBe(f(7));
    expect(idSuffixes(1, 'ws_457')(7)).not.toBe(f(7));
    expect(f(36 ** 10 - 1)).toMatch(/^[0-9a-z]{10}$/);
  });
});

describe('JSON nesting', () => {
  it.each([
    ['[]', 1],
    ['{"a":[{"b":1}]}', 3],
    ['"[[[["', 0],
    ['"\\\\"[[', 2],
    ['"\\"[[["', 0],
    [`${'['.repeat(65)}${']'.repeat(65)}`, 65],
  ])('%s is %i deep', (text, depth) => {
    expect(nestedDeeperThan(text, depth)).toBe(false);
    if (depth > 0) expect(nestedDeeperThan(text, depth - 1)).toBe(true);
  });

  it('measures parsed values without going past the limit', () => {
    expect(depthOf(1, 5)).toBe(0);
    expect(depthOf({ a: [{}] }, 5)).toBe(3);
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(depthOf(deep, 32)).toBeGreaterThan(32);
  });
});

describe('maps keyed by client input', () => {
  it('see only their own keys, __proto__ included', () => {
    const d = dict<number>(JSON.parse('{"__proto__": 1, "a": 2}') as Record<string, number>);
    expect(own(d, '__proto__')).toBe(1);
    expect(own(d, 'toString')).toBeUndefined();
    expect(own({}, 'constructor')).toBeUndefined();
    d['constructor' as string] = 3;
    expect(Object.keys(d)).toEqual(['__proto__', 'a', 'constructor']);
  });
});

describe('instants', () => {
  it('a leap second is the next instant; a date is midnight UTC', () => {
    expect(parseInstant('2016-12-31T23:59:60Z')).toBe(Date.parse('2017-01-01T00:00:00Z'));
    expect(parseInstant('2016-12-31T23:59:60.5+01:00')).toBe(Date.parse('2016-12-31T23:00:00.500Z'));
    expect(parseInstant('2026-01-01')).toBe(Date.parse('2026-01-01T00:00:00Z'));
    expect(new Date(MAX_INSTANT).toISOString()).toBe('9999-12-31T23:59:59.000Z');
  });
});

describe('recording a webhook attempt', () => {
  const latest = { id: 'dlv_1', attempts: 0, history: [], status: 'pending', created_at: 'x', updated_at: 'x' };
  const result = (status: number | null, error: string | null) => ({ attemptedAt: '2026-01-01T00:00:00.000Z', status, error, durationMs: 3 });

  it('succeeds on a 2xx, retries on a failure while retries are left, then fails', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(recordAttempt(latest, result(200, null), [1000], now, 'now')).toMatchObject({ status: 'succeeded', attempts: 1, next_attempt_at: null });
    const retry = recordAttempt(latest, result(503, failureOf(503)), [1000], now, 'now');
    expect(retry).toMatchObject({ status: 'pending', next_attempt_at: '2026-01-01T00:00:01.000Z', error: 'The endpoint answered 503.' });
    expect(recordAttempt(retry, result(null, 'x'), [1000], now, 'now')).toMatchObject({ status: 'failed', attempts: 2 });
    expect(recordAttempt(latest, result(500, 'x'), [1000], MAX_INSTANT, 'now').next_attempt_at).toBe('9999-12-31T23:59:59.000Z');
    expect(failureOf(302)).toContain('redirects are not followed');
  });
});

describe("this server's own addresses", () => {
  it.each(['127.0.0.1', '127.8.9.10', '::1', '[::1]', '0.0.0.0', '::', '::ffff:127.0.0.1', '::ffff:7f00:1'])('%s is own', async (a) => {
    expect(await isOwnAddress(a)).toBe(true);
  });

  it.each(['8.8.8.8', '10.255.255.1', '2001:db8::1'])('%s is not', async (a) => {
    expect(await isOwnAddress(a)).toBe(false);
  });

  it('a URL reaches this server only on its port', async () => {
    const listener = { host: '127.0.0.1', port: 4010 };
    expect(await reachesSelf('http://localhost:4010/x', listener)).toBe(true);
    expect(await reachesSelf('http://127.0.0.1/x', { ...listener, port: 80 })).toBe(true);
    expect(await reachesSelf('http://localhost:4011/x', listener)).toBe(false);
    expect(await reachesSelf('http://localhost:4010/x', undefined)).toBe(false);
    expect(await reachesSelf('not a url', listener)).toBe(false);
  });
});
