import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/limits.js';
import { harness } from '../helpers/harness.js';

/** Names every plain object inherits: as ids they must be plain unknown ids. */
const INHERITED = ['toString', 'valueOf', 'constructor', '__proto__', 'hasOwnProperty', 'isPrototypeOf'];

const nested = (depth: number, leaf: unknown = 1): unknown => {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = { v: value };
  return value;
};

function assertNoPollution(): void {
  expect(Object.keys(Object.prototype)).toEqual([]);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

describe('inherited names as ids are plain unknown ids', () => {
  it.each(INHERITED)('%s', async (name) => {
    const h = await harness();
    const body = { workspace_id: name };
    expect((await h.call('POST', '/_mock/api-keys', { key: null, body })).body.error).toMatchObject({ code: 'invalid_reference', param: 'workspace_id' });
    expect((await h.call('POST', '/_mock/oauth-clients', { key: null, body: { ...body, redirect_uris: ['http://127.0.0.1/cb'] } })).status).toBe(422);
    expect((await h.call('POST', '/_mock/events', { key: null, body: { ...body, event: 'ticket.created' } })).status).toBe(422);
    expect((await h.call('POST', '/_mock/reset', { key: null, body })).status).toBe(404);
    expect((await h.call('DELETE', `/_mock/workspaces/${name}`, { key: null })).status).toBe(404);
    expect((await h.get(`/_mock/state?workspace_id=${name}`, { key: null })).status).toBe(404);
    expect((await h.call('POST', '/_mock/snapshots', { key: null, body: { name: 'x', workspace_id: name } })).status).toBe(404);
    expect((await h.get(`/_mock/api-keys?workspace_id=${name}`, { key: null })).body.data).toEqual([]);
    for (const path of ['tickets', 'contacts', 'conversations', 'users', 'webhooks']) {
      expect((await h.get(`/v1/${path}/${name}`)).status).toBe(404);
    }
    expect((await h.get(`/v1/conversations/conv_123/messages/${name}`)).status).toBe(404);
    expect((await h.call('POST', `/v1/conversations/${name}/messages`, { body: { body: 'x' } })).status).toBe(404);
    expect((await h.call('DELETE', `/_mock/faults/${name}`, { key: null })).status).toBe(404);
    expect((await h.call('POST', `/_mock/snapshots/${name}/restore`, { key: null })).status).toBe(404);
    // Nothing was left half-done: deliveries and flush still answer, the process still serves.
    expect((await h.get('/_mock/webhooks/deliveries', { key: null })).status).toBe(200);
    expect((await h.call('POST', '/_mock/webhooks/flush', { key: null, body: {} })).status).toBe(200);
    expect((await h.get('/v1/me')).status).toBe(200);
    assertNoPollution();
  });

  it('a snapshot may hold them as ids, and they stay plain records', async () => {
    const h = await harness();
    const state = (await h.get('/_mock/state', { key: null })).body;
    const ticket = (await h.get('/v1/tickets/ticket_123')).body.data;
    const tickets = state.workspaces.ws_456.collections.tickets;
    for (const name of INHERITED) {
      Object.defineProperty(tickets, name, {
        value: { ...ticket, id: name, subject: `Zzinherited ${name}` },
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    const body = JSON.stringify(state);
    expect(body).toContain('"__proto__":{');
    expect((await h.call('PUT', '/_mock/state', { key: null, body })).status).toBe(200);
    for (const name of INHERITED) expect((await h.get(`/v1/tickets/${name}`)).body.data.subject).toBe(`Zzinherited ${name}`);
    expect((await h.get('/v1/tickets?q=zzinherited&per_page=100')).body.meta.total_count).toBe(INHERITED.length);
    assertNoPollution();
  });

  it('bodies with __proto__ keys never reach a prototype', async () => {
    const h = await harness();
    const raw = '{"event":"ticket.created","data":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}}';
    const fired = await h.call('POST', '/_mock/events', { key: null, body: raw });
    expect(fired.status).toBe(201);
    expect((await h.call('POST', '/v1/tickets', { body: '{"subject":"x","__proto__":{"polluted":true}}' })).status).toBe(422);
    expect((await h.get('/_mock/requests', { key: null })).status).toBe(200);
    assertNoPollution();
  });
});

describe('dates the clock cannot hold', () => {
  it('a leap second is the next instant, and the clock keeps working', async () => {
    const h = await harness();
    const set = await h.call('POST', '/_mock/clock', { key: null, body: { now: '2016-12-31T23:59:60Z' } });
    expect(set.status).toBe(200);
    expect(set.body.data.now).toBe('2017-01-01T00:00:00.000Z');
    expect((await h.call('POST', '/v1/tickets', { body: { subject: 'Leap' } })).body.data.created_at).toBe('2017-01-01T00:00:00Z');
    expect((await h.get('/v1/tickets?created_after=2016-12-31T23:59:60Z&per_page=1')).body.meta.total_count).toBeGreaterThan(0);
  });

  it.each([
    [{ now: '9999-12-31T23:59:59Z', advance_ms: 1000 }, 'advance_ms'],
    [{ now: '1969-12-31T23:59:59Z' }, 'now'],
    [{ now: '0001-01-01T00:00:00Z' }, 'now'],
    [{ now: '9500-01-01T00:00:00Z', advance_ms: 31536000000000 }, 'advance_ms'],
  ])('%j is a 422 naming %s, and changes nothing', async (body, param) => {
    const h = await harness();
    const before = (await h.get('/_mock/clock', { key: null })).body.data.now;
    const res = await h.call('POST', '/_mock/clock', { key: null, body });
    expect(res.status).toBe(422);
    expect(res.body.error.param).toBe(param);
    expect((await h.get('/_mock/clock', { key: null })).body.data.now).toBe(before);
    expect((await h.call('POST', '/v1/tickets', { body: { subject: 'Still fine' } })).status).toBe(201);
  });

  it('runs up to 9999-12-31T23:59:59Z, with rate limits and retries clamped', async () => {
    const h = await harness({ rateLimit: true });
    expect((await h.call('POST', '/_mock/clock', { key: null, body: { now: '9999-12-31T23:59:59Z' } })).status).toBe(200);
    const res = await h.get('/v1/me');
    expect(res.status).toBe(200);
    expect(Number(res.headers.get('x-ratelimit-reset'))).toBeGreaterThan(0);
  });
});

describe('deep JSON', () => {
  it('a body nested past 64 levels is a 422 before it is parsed, with or without a key', async () => {
    const h = await harness();
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const res = await h.call('POST', '/_mock/events', { key: null, body: `{"event":"ticket.created","data":{"x":${deep}}}` });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'nesting_too_deep', param: null });
    expect((await h.call('POST', '/v1/tickets', { key: null, body: deep })).status).toBe(401);
    expect((await h.call('POST', '/v1/tickets', { body: deep })).body.error.code).toBe('nesting_too_deep');
    const journal = await h.get('/_mock/requests?limit=3', { key: null });
    expect(journal.status).toBe(200);
    expect(journal.body.data[0].body_truncated).toBe(true);
  });

  it('free-form event data is limited to 32 levels (x-max-depth in openapi.yaml)', async () => {
    const h = await harness();
    const ok = await h.call('POST', '/_mock/events', { key: null, body: { event: 'ticket.created', data: nested(31) } });
    expect(ok.status).toBe(201);
    const deep = await h.call('POST', '/_mock/events', { key: null, body: { event: 'ticket.created', data: nested(40) } });
    expect(deep.status).toBe(422);
    expect(deep.body.error).toMatchObject({ param: 'data', message: "The 'data' field must be nested at most 32 levels deep." });
  });

  it('what is stored can always be exported and restored', async () => {
    const h = await harness();
    await h.call('POST', '/v1/webhooks', { body: { url: 'http://127.0.0.1:9/hook', events: ['*'] } });
    await h.call('POST', '/_mock/events', { key: null, body: { event: 'ticket.created', data: nested(32) } });
    const state = await h.get('/_mock/state', { key: null });
    expect((await h.call('PUT', '/_mock/state', { key: null, body: state.text })).status).toBe(200);
  });
});

describe('caps on everything that grows', () => {
  it('workspaces: --max-workspaces, then 422 limit_reached', async () => {
    const h = await harness({ maxWorkspaces: 3 });
    for (let i = 0; i < 2; i++) expect((await h.call('POST', '/_mock/workspaces', { key: null, body: { fixtures: 'empty' } })).status).toBe(201);
    const over = await h.call('POST', '/_mock/workspaces', { key: null, body: { fixtures: 'empty' } });
    expect(over.status).toBe(422);
    expect(over.body.error).toMatchObject({ code: 'limit_reached' });
    expect(over.body.error.message).toContain('--max-workspaces');
    expect((await h.get('/_mock/api-keys', { key: null })).body.data).toHaveLength(6);
  });

  it('named snapshots: --max-snapshots (replacing one by name is fine)', async () => {
    const h = await harness({ maxSnapshots: 2 });
    for (const name of ['a', 'b', 'a']) expect((await h.call('POST', '/_mock/snapshots', { key: null, body: { name } })).status).toBe(201);
    expect((await h.call('POST', '/_mock/snapshots', { key: null, body: { name: 'c' } })).body.error.code).toBe('limit_reached');
  });

  it('records per collection: --max-records', async () => {
    const h = await harness({ maxRecords: 2 });
    const ws = (await h.call('POST', '/_mock/workspaces', { key: null, body: { fixtures: 'empty' } })).body.data;
    for (let i = 0; i < 2; i++) expect((await h.call('POST', '/v1/tickets', { key: ws.api_key, body: { subject: `T${i}` } })).status).toBe(201);
    const over = await h.call('POST', '/v1/tickets', { key: ws.api_key, body: { subject: 'T3' } });
    expect(over.body.error).toMatchObject({ code: 'limit_reached' });
    expect((await h.get('/v1/tickets', { key: ws.api_key })).body.meta.total_count).toBe(2);
  });

  it(`webhook subscriptions: ${LIMITS.webhooksPerWorkspace} per workspace`, async () => {
    const h = await harness();
    for (let i = 0; i < LIMITS.webhooksPerWorkspace; i++) {
      expect((await h.call('POST', '/v1/webhooks', { body: { url: `http://127.0.0.1:9/h${i}`, events: ['ticket.created'], active: false } })).status).toBe(201);
    }
    expect((await h.call('POST', '/v1/webhooks', { body: { url: 'http://127.0.0.1:9/over', events: ['*'] } })).body.error.code).toBe('limit_reached');
  });

  it(`fault rules: ${LIMITS.faultRules} at once`, async () => {
    const h = await harness();
    for (let i = 0; i < LIMITS.faultRules; i++) await h.call('POST', '/_mock/faults', { key: null, body: { path: `/v1/none${i}`, status: 500 } });
    expect((await h.call('POST', '/_mock/faults', { key: null, body: { status: 500 } })).body.error.code).toBe('limit_reached');
    expect((await h.get('/v1/me')).status).toBe(200);
  });

  it('made-up bearer tokens never add rate-limit windows', async () => {
    const h = await harness({ rateLimit: true });
    for (let i = 0; i < 200; i++) await h.get('/v1/me', { key: `bogus_${i}_${'x'.repeat(2000)}` });
    expect(h.deps.limiter.size).toBe(1);
    expect((await h.get('/v1/me', { key: null })).headers.get('x-ratelimit-remaining')).toBe('99');
  });

  it('OAuth codes without a key are capped; expired ones go first', async () => {
    const h = await harness();
    const authorize = () => h.get('/oauth/authorize?response_type=code&client_id=commflow_client&redirect_uri=http://127.0.0.1/cb', { key: null });
    expect((await authorize()).status).toBe(302);
    h.clock.advance(11 * 60_000);
    for (let i = 0; i < LIMITS.oauthCodes + 50; i++) {
      h.deps.oauth.issueCode({
        client_id: 'commflow_client',
        redirect_uri: 'x',
        redirect_given: true,
        scopes: [],
        challenge: null,
        workspace_id: 'ws_456',
        user_id: 'user_123',
      });
    }
    expect(h.deps.oauth.counts.codes).toBe(LIMITS.oauthCodes);
    expect((await authorize()).status).toBe(302);
  });

  it("delivery records: the oldest finished ones are pruned; a dead endpoint's backlog is capped", async () => {
    const h = await harness();
    const hook = (await h.call('POST', '/v1/webhooks', { body: { url: 'http://127.0.0.1:9/dead', events: ['*'] } })).body.data;
    const ws = (await h.deps.store.workspace('ws_456'))!;
    // The clock is frozen: after its first attempt, every delivery waits for a retry that never comes.
    await h.deps.store.transaction(() => {
      for (let i = 0; i < LIMITS.pendingPerEndpoint + 5; i++) h.deps.dispatcher.enqueue(ws, 'ticket.created', { i });
    });
    const failed = (await h.get(`/v1/webhooks/${hook.id}/deliveries?status=failed&per_page=100`)).body;
    expect(failed.meta.total_count).toBe(5);
    expect(failed.data[0].error).toMatch(/already pending/);
    await h.deps.store.transaction(() => {
      for (let i = 0; i < LIMITS.deliveriesPerWorkspace + 2000; i++) h.deps.dispatcher.enqueue(ws, 'contact.created', { i });
    });
    expect(ws.collections.deliveries.size).toBeLessThanOrEqual(LIMITS.deliveriesPerWorkspace * 1.1 + LIMITS.pendingPerEndpoint);
    expect((await h.get('/_mock/webhooks/deliveries?limit=5', { key: null })).body.data).toHaveLength(5);
  });

  it('the journal keeps a marked 8 KiB prefix of each body; the body of a refused request is never read', async () => {
    const h = await harness();
    const big = JSON.stringify({ subject: 'x', description: 'y'.repeat(500_000) });
    for (let i = 0; i < 5; i++) await h.call('POST', '/v1/tickets', { body: big });
    const [entry] = (await h.get('/_mock/requests?limit=1', { key: null })).body.data;
    expect(entry).toMatchObject({ status: 422, body_size: big.length, body_truncated: true });
    expect(entry.body).toHaveLength(LIMITS.journalBodyBytes);
    expect(h.deps.journal.bytes).toBeLessThan(100_000);
    await h.call('POST', '/v1/tickets', { key: null, body: big });
    const [keyless] = (await h.get('/_mock/requests?limit=1', { key: null })).body.data;
    expect(keyless).toMatchObject({ status: 401, body: null, body_truncated: false });
  });
});

describe('CPU amplification is bounded in openapi.yaml', () => {
  it.each([
    ['q with 11 terms', `q=${Array.from({ length: 11 }, (_, i) => `t${i}`).join('+')}`, 'q', /at most 10 whitespace-separated terms/],
    ['q over 200 characters', `q=${'a'.repeat(201)}`, 'q', /at most 200 characters/],
    ['a comma list of 101 values', `assignee_id=${Array.from({ length: 101 }, (_, i) => `user_${i}`).join(',')}`, 'assignee_id', /at most 100 items/],
  ])('%s is a 400', async (_name, query, param, message) => {
    const h = await harness();
    const res = await h.get(`/v1/tickets?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.param).toBe(param);
    expect(res.body.error.message).toMatch(message);
  });

  it('a body of 90,000 unknown keys is refused, naming the first (the cost is measured in test/unit/validator.test.ts)', async () => {
    const h = await harness({ bodyLimit: 4 * 1024 * 1024 });
    const keys = JSON.stringify(Object.fromEntries(Array.from({ length: 90_000 }, (_, i) => [`k${i}`, i])));
    const res = await h.call('POST', '/_mock/faults', { key: null, body: keys });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'unknown_parameter', param: 'k0' });
  });
});
