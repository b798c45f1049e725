import { Hono } from 'hono';
import { beforeEach, describe, expect, it } from 'vitest';
import { createClock } from '../../src/clock.js';
import type { AppEnv } from '../../src/context.js';
import { renderError } from '../../src/errors.js';
import { FaultRules } from '../../src/middleware/fault-rules.js';
import { injectFaults } from '../../src/middleware/faults.js';

const clock = createClock();
clock.freeze(Date.parse('2026-07-01T12:00:00Z'));

describe('injectFaults middleware', () => {
  let rules: FaultRules;
  let slept: number[];
  let app: Hono<AppEnv>;
  let handled: number;

  beforeEach(() => {
    rules = new FaultRules(clock, 1);
    slept = [];
    handled = 0;
    app = new Hono<AppEnv>();
    app.onError((err, c) => renderError(err, c));
    // Records what it is asked to wait instead of waiting.
    app.use(injectFaults(rules, async (ms) => void slept.push(ms)));
    app.all('/v1/*', (c) => {
      handled++;
      return c.text('handled');
    });
  });

  it('passes through without rules', async () => {
    const res = await app.request('/v1/tickets');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('handled');
  });

  it.each([
    [{ status: 503 }, 503, 'api_error', 'service_unavailable'],
    [{ status: 404 }, 404, 'not_found_error', 'resource_not_found'],
    [{ status: 422 }, 422, 'invalid_request_error', 'invalid_parameter'],
    [{ error_type: 'authentication_error' as const }, 401, 'authentication_error', 'invalid_api_key'],
    [{ status: 500, error_type: 'rate_limit_error' as const }, 500, 'rate_limit_error', 'internal_error'],
  ])('%j answers %i in the CommFlow envelope', async (rule, status, type, code) => {
    rules.add(rule);
    const res = await app.request('/v1/tickets');
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ error: { type, code, message: 'Injected by fault rule flt_1.', param: null } });
    expect(handled).toBe(0);
  });

  it('an injected 429 says when to retry', async () => {
    rules.add({ status: 429 });
    const res = await app.request('/v1/tickets');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
  });

  it("an injected answer carries the rule's Retry-After", async () => {
    rules.add({ status: 429, retry_after: 30, count: 1 });
    rules.add({ status: 503, retry_after: 5, count: 1 });
    expect((await app.request('/v1/tickets')).headers.get('retry-after')).toBe('30');
    expect((await app.request('/v1/tickets')).headers.get('retry-after')).toBe('5');
    rules.add({ status: 503 });
    expect((await app.request('/v1/tickets')).headers.get('retry-after')).toBeNull();
  });

  it("a workspace's rules skip the first step and hit only that workspace's requests in the second", async () => {
    const scoped = new Hono<AppEnv>();
    scoped.onError((err, c) => renderError(err, c));
    scoped.use(injectFaults(rules, async () => undefined));
    scoped.use(async (c, next) => {
      const ws = c.req.header('x-test-workspace');
      c.set('principal', ws ? ({ workspaceId: ws } as never) : undefined);
      await next();
    });
    scoped.use(injectFaults(rules, async () => undefined, 'scoped'));
    scoped.all('/v1/*', (c) => c.text(c.get('fault') ?? 'handled'));
    rules.add({ workspace_id: 'ws_a', status: 503 });
    expect((await scoped.request('/v1/tickets')).status).toBe(200);
    expect((await scoped.request('/v1/tickets', { headers: { 'x-test-workspace': 'ws_b' } })).status).toBe(200);
    expect((await scoped.request('/v1/tickets', { headers: { 'x-test-workspace': 'ws_a' } })).status).toBe(503);
    rules.add({ workspace_id: 'ws_b', latency_ms: 1 });
    expect(await (await scoped.request('/v1/tickets', { headers: { 'x-test-workspace': 'ws_b' } })).text()).toBe('flt_2');
  });

  it('only requests the rule matches are hit, and a count runs out', async () => {
    rules.add({ method: 'POST', path: '/v1/tickets', status: 500, count: 1 });
    expect((await app.request('/v1/tickets')).status).toBe(200);
    expect((await app.request('/v1/contacts', { method: 'POST' })).status).toBe(200);
    expect((await app.request('/v1/tickets', { method: 'POST' })).status).toBe(500);
    expect((await app.request('/v1/tickets', { method: 'POST' })).status).toBe(200);
    expect(handled).toBe(3);
  });

  it('a latency-only rule waits (through the injected sleep), then lets the request through', async () => {
    rules.add({ latency_ms: 250 });
    const res = await app.request('/v1/tickets');
    expect(res.status).toBe(200);
    expect(slept).toEqual([250]);
  });

  it('latency and an error: waits, then answers the error', async () => {
    rules.add({ latency_ms: 40, status: 502 });
    const res = await app.request('/v1/tickets');
    expect(res.status).toBe(502);
    expect(slept).toEqual([40]);
    expect(handled).toBe(0);
  });

  it('drop_connection without a socket (in-process) is a 500 that does not say why', async () => {
    rules.add({ drop_connection: true });
    const res = await app.request('/v1/tickets');
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: { type: 'api_error', code: 'internal_error', message: 'An unexpected error occurred.', param: null } });
    expect(handled).toBe(0);
  });
});
