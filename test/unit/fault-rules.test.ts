import { beforeEach, describe, expect, it } from 'vitest';
import { createClock } from '../../src/clock.js';
import { ApiError } from '../../src/errors.js';
import { LIMITS } from '../../src/limits.js';
import { FaultRules } from '../../src/middleware/fault-rules.js';

const clock = createClock();
clock.freeze(Date.parse('2026-07-01T12:00:00Z'));

describe('FaultRules', () => {
  let rules: FaultRules;
  beforeEach(() => {
    rules = new FaultRules(clock, 1);
  });

  it('adds a rule with its defaults filled in', () => {
    expect(rules.add({ path: '/v1/tickets' })).toEqual({
      id: 'flt_1',
      method: null,
      path: '/v1/tickets',
      status: null,
      error_type: null,
      latency_ms: 0,
      drop_connection: false,
      count: null,
      probability: 1,
      hits: 0,
      workspace_id: null,
      retry_after: null,
      created_at: '2026-07-01T12:00:00Z',
    });
    expect(rules.add({ status: 503 }).id).toBe('flt_2');
    expect(rules.list().map((f) => f.id)).toEqual(['flt_1', 'flt_2']);
    expect(rules.size).toBe(2);
  });

  it.each([
    ['invalid_request_error', 400],
    ['authentication_error', 401],
    ['authorization_error', 403],
    ['not_found_error', 404],
    ['rate_limit_error', 429],
    ['api_error', 500],
  ] as const)('an error_type of %s alone means status %i', (error_type, status) => {
    expect(rules.add({ error_type }).status).toBe(status);
  });

  it('an explicit status wins over the error_type', () => {
    expect(rules.add({ error_type: 'api_error', status: 503 }).status).toBe(503);
  });

  it.each([
    // rule, method, path, hits?
    [{}, 'DELETE', '/anything', true],
    [{ method: 'GET' }, 'GET', '/v1/tickets', true],
    [{ method: 'GET' }, 'POST', '/v1/tickets', false],
    [{ path: '/v1/tickets' }, 'GET', '/v1/tickets', true],
    [{ path: '/v1/tickets' }, 'GET', '/v1/tickets/t_1', false],
    [{ path: '/v1/TICKETS' }, 'GET', '/v1/tickets', true],
    [{ path: '/v1/tickets' }, 'GET', '/V1/Tickets', true],
    [{ path: '/v1/tickets/*' }, 'GET', '/v1/tickets/t_1', true],
    [{ path: '/v1/tickets/*' }, 'GET', '/v1/tickets', false],
    [{ path: '*/messages' }, 'GET', '/v1/conversations/c_1/messages', true],
    [{ path: '/v1/*/c_1*' }, 'GET', '/v1/conversations/c_1/messages', true],
    [{ path: '/v1/*' }, 'GET', '/v2/tickets', false],
    [{ path: '/v1/tickets.*' }, 'GET', '/v1/ticketsX1', false], // `.` is literal, not a regex
    [{ method: 'POST', path: '/v1/*' }, 'POST', '/v1/tickets', true],
    [{ method: 'POST', path: '/v1/*' }, 'GET', '/v1/tickets', false],
  ])('%j on %s %s hits: %s', async (rule, method, path, hits) => {
    rules.add(rule);
    expect((await rules.take(method, path))?.id).toBe(hits ? 'flt_1' : undefined);
  });

  it('takes the first matching rule in creation order and counts its hits', async () => {
    rules.add({ path: '/v1/contacts', status: 404 });
    rules.add({ path: '/v1/*', status: 500 });
    rules.add({ status: 503 });
    expect(await rules.take('GET', '/v1/tickets')).toMatchObject({ id: 'flt_2', status: 500, hits: 1 });
    expect(await rules.take('GET', '/v1/tickets')).toMatchObject({ id: 'flt_2', hits: 2 });
    expect(await rules.take('GET', '/v1/contacts')).toMatchObject({ id: 'flt_1', hits: 1 });
    expect(await rules.take('GET', '/_mock/health')).toMatchObject({ id: 'flt_3' });
    expect(rules.list().map((f) => f.hits)).toEqual([1, 2, 1]);
  });

  it('a rule with a count hits that many times, then is gone', async () => {
    rules.add({ status: 500, count: 2 });
    expect(await rules.take('GET', '/x')).toMatchObject({ hits: 1, count: 1 });
    expect(rules.list()[0]).toMatchObject({ hits: 1, count: 1 });
    expect(await rules.take('GET', '/x')).toMatchObject({ hits: 2, count: 0 });
    expect(rules.size).toBe(0);
    expect(await rules.take('GET', '/x')).toBeUndefined();
  });

  it('remove() takes one rule out by id; clear() takes all', async () => {
    const a = rules.add({ status: 500 });
    const b = rules.add({ status: 503 });
    expect(rules.remove(a.id)).toBe(true);
    expect(rules.remove(a.id)).toBe(false);
    expect(rules.remove('flt_999')).toBe(false);
    expect((await rules.take('GET', '/x'))?.id).toBe(b.id);
    rules.clear();
    expect(rules.size).toBe(0);
    expect(rules.list()).toEqual([]);
    // Ids keep counting after a clear.
    expect(rules.add({}).id).toBe('flt_3');
  });

  it(`holds at most ${LIMITS.faultRules} rules`, () => {
    for (let i = 0; i < LIMITS.faultRules; i++) rules.add({});
    let thrown: unknown;
    try {
      rules.add({});
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ApiError);
    expect((thrown as ApiError).toJSON().error).toMatchObject({ type: 'invalid_request_error', code: 'limit_reached' });
    expect((thrown as ApiError).status).toBe(422);
    expect(rules.size).toBe(LIMITS.faultRules);
    rules.remove('flt_1');
    expect(rules.add({}).id).toBe(`flt_${LIMITS.faultRules + 1}`);
  });

  it('list() returns copies without the matcher', () => {
    rules.add({ path: '/a' });
    const [listed] = rules.list();
    expect(Object.keys(listed!)).not.toContain('matches');
    listed!.hits = 99;
    expect(rules.list()[0]!.hits).toBe(0);
  });

  describe('probability', () => {
    const draw = async (seed: number, probability: number) => {
      const r = new FaultRules(clock, seed);
      r.add({ probability });
      const out: boolean[] = [];
      for (let i = 0; i < 200; i++) out.push((await r.take('GET', '/x')) !== undefined);
      return out;
    };

    it('0 never hits; a fraction hits about that often, the same way for the same seed', async () => {
      expect((await draw(1, 0)).filter(Boolean)).toHaveLength(0);
      const a = await draw(7, 0.25);
      const hits = a.filter(Boolean).length;
      expect(hits).toBeGreaterThan(20);
      expect(hits).toBeLessThan(80);
      expect(await draw(7, 0.25)).toEqual(a);
      expect(await draw(8, 0.25)).not.toEqual(a);
    });

    it('a miss falls through to the next matching rule', async () => {
      rules.add({ probability: 0, status: 500 });
      rules.add({ status: 503 });
      expect((await rules.take('GET', '/x'))?.id).toBe('flt_2');
      expect(rules.list()[0]!.hits).toBe(0);
    });
  });
});

describe('fault rules of one workspace', () => {
  it('apply only to that workspace, and only in the step after authentication', async () => {
    const rules = new FaultRules(createClock(), 1);
    rules.add({ workspace_id: 'ws_a', status: 503 });
    rules.add({ path: '/v1/me', status: 500 });
    expect(rules.sizeOf('scoped')).toBe(1);
    expect(rules.sizeOf('global')).toBe(1);
    expect(await rules.take('GET', '/v1/tickets')).toBeUndefined();
    expect(await rules.take('GET', '/v1/tickets', 'ws_b')).toBeUndefined();
    expect(await rules.take('GET', '/v1/tickets', 'ws_a')).toMatchObject({ id: 'flt_1', workspace_id: 'ws_a', status: 503 });
    expect(await rules.take('GET', '/v1/me', 'ws_a')).toMatchObject({ id: 'flt_1' });
    expect(await rules.take('GET', '/v1/me')).toMatchObject({ id: 'flt_2', workspace_id: null });
    expect(rules.remove('flt_1')).toBe(true);
    expect(rules.sizeOf('scoped')).toBe(0);
  });

  it('keep their Retry-After, and none by default', () => {
    const rules = new FaultRules(createClock(), 1);
    expect(rules.add({ status: 429, retry_after: 7 })).toMatchObject({ retry_after: 7, workspace_id: null });
    expect(rules.add({ status: 503 })).toMatchObject({ retry_after: null });
  });
});
