import { Hono } from 'hono';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AppEnv } from '../../src/context.js';
import { errors, renderError } from '../../src/errors.js';
import { latency } from '../../src/middleware/latency.js';

/** Flushes pending promise callbacks (one turn of the event loop; no timer, no wall clock). */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('latency middleware (--latency)', () => {
  let events: string[];
  let slept: number[];
  const recordingSleep = async (ms: number) => {
    events.push('sleep');
    slept.push(ms);
  };

  /** An app with the middleware on /v1/* only, as app.ts mounts it. */
  const appWith = (ms: number, sleep = recordingSleep) => {
    const app = new Hono<AppEnv>();
    app.onError((err, c) => renderError(err, c));
    app.use('/v1/*', latency(ms, sleep));
    app.get('/v1/tickets', (c) => {
      events.push('handler');
      return c.json({ data: [] });
    });
    app.get('/v1/missing', () => {
      events.push('handler');
      throw errors.notFound('ticket', 'ticket_x');
    });
    app.get('/v1/crash', () => {
      events.push('handler');
      throw new Error('boom');
    });
    app.get('/_mock/health', (c) => c.json({ ok: true }));
    return app;
  };

  beforeEach(() => {
    events = [];
    slept = [];
  });

  it('waits the configured time once per request, after the handler has answered', async () => {
    const res = await appWith(250).request('/v1/tickets');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: [] });
    expect(slept).toEqual([250]);
    expect(events).toEqual(['handler', 'sleep']);
  });

  it('each request waits on its own', async () => {
    const app = appWith(40);
    await app.request('/v1/tickets');
    await app.request('/v1/tickets');
    await app.request('/v1/tickets');
    expect(slept).toEqual([40, 40, 40]);
  });

  it('the response is held back until the wait is over', async () => {
    let release!: () => void;
    let asked: number | undefined;
    const app = appWith(800, (ms) => {
      asked = ms;
      return new Promise<void>((resolve) => (release = resolve));
    });
    let settled = false;
    const pending = Promise.resolve(app.request('/v1/tickets')).then((res) => {
      settled = true;
      return res;
    });
    await turn();
    await turn();
    expect(asked).toBe(800);
    expect(settled).toBe(false);
    release();
    const res = await pending;
    expect(settled).toBe(true);
    expect(res.status).toBe(200);
  });

  it.each([
    ['an API error', '/v1/missing', 404, 'resource_not_found'],
    ['an unexpected failure', '/v1/crash', 500, 'internal_error'],
  ])('delays %s too, and leaves its answer as it is', async (_what, path, status, code) => {
    const res = await appWith(100).request(path);
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ error: { code } });
    expect(slept).toEqual([100]);
    expect(events).toEqual(['handler', 'sleep']);
  });

  it.each([0, -5])('latency %i never sleeps', async (ms) => {
    const res = await appWith(ms).request('/v1/tickets');
    expect(res.status).toBe(200);
    expect(slept).toEqual([]);
    expect(events).toEqual(['handler']);
  });

  it('leaves routes it is not mounted on alone (the control plane)', async () => {
    const res = await appWith(250).request('/_mock/health');
    expect(res.status).toBe(200);
    expect(slept).toEqual([]);
  });

  it('delays an unmatched /v1 route (the 404 answer) as well', async () => {
    const res = await appWith(30).request('/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(slept).toEqual([30]);
  });
});
