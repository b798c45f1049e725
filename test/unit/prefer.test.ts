import { Hono } from 'hono';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AppEnv } from '../../src/context.js';
import { ApiError, renderError } from '../../src/errors.js';
import { parsePrefer, simulate } from '../../src/middleware/prefer.js';
import type { Operation } from '../../src/openapi/operations.js';
import type { Validator } from '../../src/openapi/validator.js';

const DOCUMENTED = [200, 204, 400, 404, 429, 500];

describe('parsePrefer', () => {
  it.each([
    ['', {}, []],
    ['code=404', { code: 404 }, ['code=404']],
    ['CODE=404', { code: 404 }, ['code=404']],
    ['code="404"', { code: 404 }, ['code=404']],
    [' code = 404 ', { code: 404 }, ['code=404']],
    ['latency=800', { latency: 800 }, ['latency=800']],
    ['latency=0', { latency: 0 }, ['latency=0']],
    ['latency=60000', { latency: 60_000 }, ['latency=60000']],
    ['code=429, latency=800', { code: 429, latency: 800 }, ['code=429', 'latency=800']],
    ['code=429; latency=800', { code: 429, latency: 800 }, ['code=429', 'latency=800']],
    ['latency=5,code=500', { code: 500, latency: 5 }, ['latency=5', 'code=500']],
    [',, ;code=404;', { code: 404 }, ['code=404']],
    // RFC 7240: preferences the server does not know are ignored.
    ['respond-async, return=minimal, wait=10, code=204', { code: 204 }, ['code=204']],
    ['handling=lenient', {}, []],
    ['not a preference', {}, []],
  ])('%j → %j applied %j', (header, wanted, applied) => {
    expect(parsePrefer(header, DOCUMENTED)).toEqual({ ...wanted, applied });
  });

  it.each([
    ['code=418', "'Prefer: code=418' is not a status this operation documents: 200, 204, 400, 404, 429, 500."],
    ['code=abc', "'Prefer: code=abc' is not a status this operation documents: 200, 204, 400, 404, 429, 500."],
    ['code=0404', "'Prefer: code=0404' is not a status this operation documents: 200, 204, 400, 404, 429, 500."],
    ['code', "'Prefer: code=' is not a status this operation documents: 200, 204, 400, 404, 429, 500."],
    ['latency=-1', "'Prefer: latency=-1' must be a whole number of milliseconds from 0 to 60000."],
    ['latency=1.5', "'Prefer: latency=1.5' must be a whole number of milliseconds from 0 to 60000."],
    ['latency=60001', "'Prefer: latency=60001' must be a whole number of milliseconds from 0 to 60000."],
    ['latency=soon', "'Prefer: latency=soon' must be a whole number of milliseconds from 0 to 60000."],
    ['code=404, latency=x', "'Prefer: latency=x' must be a whole number of milliseconds from 0 to 60000."],
  ])('%j is a 400 naming Prefer', (header, message) => {
    let thrown: unknown;
    try {
      parsePrefer(header, DOCUMENTED);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ApiError);
    expect((thrown as ApiError).status).toBe(400);
    expect((thrown as ApiError).toJSON()).toEqual({ error: { type: 'invalid_request_error', code: 'invalid_header', message, param: 'Prefer' } });
  });

  // RFC 7240 §2: "If any preference is specified more than once, only the first instance is to be
  // considered. All subsequent occurrences SHOULD be ignored".
  it('a repeated preference: only the first counts, later ones are ignored even when malformed (RFC 7240 §2)', () => {
    expect(parsePrefer('code=404, code=500', DOCUMENTED)).toEqual({ code: 404, applied: ['code=404'] });
    expect(parsePrefer('latency=5; code=404; latency=soon', DOCUMENTED)).toEqual({ code: 404, latency: 5, applied: ['latency=5', 'code=404'] });
  });
});

describe('simulate middleware (Prefer)', () => {
  const op = { id: 'getThing', statuses: DOCUMENTED } as Operation;
  const validator = async () => ({ mock: (o: Operation, status: number) => ({ data: { example_of: o.id, status } }) }) as unknown as Validator;
  let slept: number[];
  let handled: number;
  let app: Hono<AppEnv>;

  beforeEach(() => {
    slept = [];
    handled = 0;
    app = new Hono<AppEnv>();
    app.onError((err, c) => renderError(err, c));
    app.use(async (c, next) => {
      c.set('op', op);
      await next();
    });
    app.use(simulate(validator, async (ms) => void slept.push(ms)));
    app.get('/v1/thing', (c) => {
      handled++;
      return c.text('handled');
    });
  });
  const get = (prefer?: string) => app.request('/v1/thing', { headers: prefer === undefined ? {} : { prefer } });

  it('without Prefer the handler answers, with no Preference-Applied', async () => {
    const res = await get();
    expect(await res.text()).toBe('handled');
    expect(res.headers.has('preference-applied')).toBe(false);
  });

  it('unknown preferences are ignored', async () => {
    const res = await get('respond-async');
    expect(await res.text()).toBe('handled');
    expect(res.headers.has('preference-applied')).toBe(false);
  });

  it.each([
    [404, 'not_found_error', 'resource_not_found'],
    [400, 'invalid_request_error', 'invalid_parameter'],
    [500, 'api_error', 'internal_error'],
  ])('code=%i answers that error in the CommFlow envelope', async (status, type, code) => {
    const res = await get(`code=${status}`);
    expect(res.status).toBe(status);
    expect(res.headers.get('preference-applied')).toBe(`code=${status}`);
    expect(await res.json()).toEqual({
      error: { type, code, message: `Simulated response, asked for with 'Prefer: code=${status}'.`, param: null },
    });
    expect(handled).toBe(0);
  });

  it('code=429 comes with Retry-After', async () => {
    const res = await get('code=429');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
  });

  it('code=200 answers the spec example, without the handler', async () => {
    const res = await get('code=200');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { example_of: 'getThing', status: 200 } });
    expect(handled).toBe(0);
  });

  it('code=204 answers an empty 204', async () => {
    const res = await get('code=204');
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect(res.headers.get('preference-applied')).toBe('code=204');
  });

  it('an undocumented code is a 400 naming Prefer, before anything is applied', async () => {
    const res = await get('latency=10, code=302');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_header', param: 'Prefer' } });
    expect(slept).toEqual([]);
    expect(handled).toBe(0);
  });

  it('latency is handed to the sleep and the handler still answers', async () => {
    const res = await get('latency=800');
    expect(await res.text()).toBe('handled');
    expect(res.headers.get('preference-applied')).toBe('latency=800');
    expect(slept).toEqual([800]);
  });

  it('latency=0 applies without waiting', async () => {
    const res = await get('latency=0');
    expect(res.headers.get('preference-applied')).toBe('latency=0');
    expect(slept).toEqual([]);
  });
});
