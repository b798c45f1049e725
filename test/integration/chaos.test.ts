import { describe, expect, it } from 'vitest';
import { buildOperations } from '../../src/openapi/operations.js';
import { loadSpec } from '../../src/openapi/spec.js';
import { createClock } from '../../src/clock.js';
import { harness } from '../helpers/harness.js';

const spec = await loadSpec();
const publicOps = buildOperations(spec).filter((op) => op.path.startsWith('/v1/'));
const samplePath = (template: string) =>
  template
    .replace('{id}', template.startsWith('/v1/conversations') ? 'conv_123' : template.startsWith('/v1/users') ? 'user_123' : 'ticket_123')
    .replace('{message_id}', 'msg_100');

const TYPE_OF: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'authorization_error',
  404: 'not_found_error',
  413: 'invalid_request_error',
  415: 'invalid_request_error',
  422: 'invalid_request_error',
  429: 'rate_limit_error',
  500: 'api_error',
  502: 'api_error',
  503: 'api_error',
  504: 'api_error',
};

describe('the mock clock', () => {
  it('freezes, advances and returns to real time; records read it', async () => {
    // Real time, as this test sees it, stands still: the mock clock's offset from it is exact.
    const h = await harness({ clock: createClock(() => Date.parse('2026-11-24T08:00:00Z')) });
    const frozen = await h.call('POST', '/_mock/clock', { key: null, body: { now: '2026-03-01T00:00:00Z' } });
    expect(frozen.body.data).toMatchObject({ now: '2026-03-01T00:00:00.000Z', frozen: true });
    const created = await h.call('POST', '/v1/tickets', { body: { subject: 'Clocked' } });
    expect(created.body.data.created_at).toBe('2026-03-01T00:00:00Z');
    const advanced = await h.call('POST', '/_mock/clock', { key: null, body: { advance_ms: 61_000 } });
    expect(advanced.body.data.now).toBe('2026-03-01T00:01:01.000Z');
    const patched = await h.call('PATCH', `/v1/tickets/${created.body.data.id}`, { body: { priority: 'high' } });
    expect(patched.body.data.updated_at).toBe('2026-03-01T00:01:01Z');
    expect((await h.get('/_mock/clock', { key: null })).body.data.now).toBe('2026-03-01T00:01:01.000Z');
    const real = await h.call('DELETE', '/_mock/clock', { key: null });
    expect(real.body.data.frozen).toBe(false);
    expect(real.body.data).toMatchObject({ now: '2026-11-24T08:00:00.000Z', offset_ms: 0 });
  });

  it('rejects an empty or malformed setting', async () => {
    const h = await harness();
    expect((await h.call('POST', '/_mock/clock', { key: null, body: {} })).status).toBe(422);
    const bad = await h.call('POST', '/_mock/clock', { key: null, body: { now: 'yesterday' } });
    expect(bad.body.error).toMatchObject({ param: 'now', message: "The 'now' field must be a valid date-time." });
    expect((await h.call('POST', '/_mock/clock', { key: null, body: { advance_ms: -5 } })).body.error.param).toBe('advance_ms');
  });
});

describe('rate limits', () => {
  async function limited(plan: 'starter' | 'professional' | 'business' = 'starter') {
    const h = await harness({ rateLimit: true, plan });
    h.clock.freeze(Date.parse('2026-03-01T10:00:00Z'));
    return h;
  }

  it('counts down per key, answers 429 with Retry-After, and opens again in the next window', async () => {
    const h = await limited('starter');
    h.clock.advance(15_000);
    for (let i = 1; i <= 60; i++) {
      const res = await h.get('/v1/me');
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ratelimit-limit')).toBe('60');
      expect(res.headers.get('x-ratelimit-remaining')).toBe(String(60 - i));
      expect(res.headers.get('x-ratelimit-reset')).toBe(String(Date.parse('2026-03-01T10:01:00Z') / 1000));
    }
    const over = await h.get('/v1/tickets');
    expect(over.status).toBe(429);
    expect(over.body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded', param: null });
    expect(over.headers.get('retry-after')).toBe('45');
    expect(over.headers.get('x-ratelimit-remaining')).toBe('0');
    expect((await h.get('/v1/me', { key: 'sk_live_commflow' })).status).toBe(200);
    h.clock.advance(45_000);
    const again = await h.get('/v1/me');
    expect(again.status).toBe(200);
    expect(again.headers.get('x-ratelimit-remaining')).toBe('59');
  });

  it('uses each key’s plan', async () => {
    const h = await limited('starter');
    const business = (await h.call('POST', '/_mock/api-keys', { key: null, body: { plan: 'business' } })).body.data.key;
    expect((await h.get('/v1/me', { key: business })).headers.get('x-ratelimit-limit')).toBe('1000');
    expect((await h.get('/v1/me')).headers.get('x-ratelimit-limit')).toBe('60');
  });

  it('puts the headers on error responses too', async () => {
    const h = await limited('professional');
    for (const res of [await h.get('/v1/tickets', { key: null }), await h.get('/v1/tickets/ticket_999'), await h.get('/v1/tickets?per_page=500')]) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.headers.get('x-ratelimit-limit')).toBe('300');
      expect(res.headers.get('x-ratelimit-remaining')).not.toBeNull();
    }
  });

  it('is exact under concurrency: 1,000 parallel requests on a 300 key get exactly 300 passes', async () => {
    const h = await limited('professional');
    const statuses = await Promise.all(
      Array.from({ length: 1000 }, async () => (await h.app.request('/v1/me', { headers: { authorization: 'Bearer sk_test_commflow' } })).status),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(300);
    expect(statuses.filter((s) => s === 429)).toHaveLength(700);
  });

  it('leaves the control plane alone', async () => {
    const h = await limited('starter');
    for (let i = 0; i < 70; i++) await h.app.request('/v1/me', { headers: { authorization: 'Bearer sk_test_commflow' } });
    const health = await h.get('/_mock/health', { key: null });
    expect(health.status).toBe(200);
    expect(health.headers.get('x-ratelimit-limit')).toBeNull();
  });
});

/** A body each write accepts, so that Prefer is what decides the answer. */
const VALID_BODY: Record<string, unknown> = {
  createConversation: { subject: 'Prefer' },
  replaceConversation: { subject: 'Prefer', status: 'open', channel: 'email' },
  updateConversation: { subject: 'Prefer' },
  createMessage: { body: 'Prefer' },
  createContact: { email: 'prefer@example.com' },
  replaceContact: { email: 'prefer@example.com' },
  updateContact: { name: 'Prefer' },
  createTicket: { subject: 'Prefer' },
  replaceTicket: { subject: 'Prefer', status: 'open', priority: 'normal' },
  updateTicket: { subject: 'Prefer' },
  createWebhook: { url: 'https://example.com/hook', events: ['*'] },
  replaceWebhook: { url: 'https://example.com/hook', events: ['*'] },
  updateWebhook: { active: false },
};

describe('the Prefer header', () => {
  const cases = publicOps.flatMap((op) => op.statuses.map((status) => [op.id, status, op] as const));
  const shared = harness();

  it('has a valid body for every write', () => {
    for (const op of publicOps) if (op.body !== 'none') expect(VALID_BODY[op.id], op.id).toBeDefined();
  });

  it.each(cases)('%s with Prefer: code=%i', async (_id, status, op) => {
    const h = await shared;
    const before = (await h.get('/v1/tickets?per_page=1')).body.meta.total_count;
    const res = await h.call(op.method.toUpperCase(), samplePath(op.path), { headers: { prefer: `code=${status}` }, body: VALID_BODY[op.id] });
    expect(res.status).toBe(status);
    expect(res.headers.get('preference-applied')).toBe(`code=${status}`);
    if (status >= 400) {
      expect(res.body.error.type).toBe(TYPE_OF[status]);
      expect(res.body.error.message).toContain(`Prefer: code=${status}`);
    }
    if (status === 429) expect(res.headers.get('retry-after')).toBe('1');
    expect((await h.get('/v1/tickets?per_page=1')).body.meta.total_count).toBe(before);
  });

  it('never skips authentication, scopes or validation: a failing request gets its real error', async () => {
    const h = await shared;
    const keyless = await h.get('/v1/me', { key: null, headers: { prefer: 'code=200' } });
    expect(keyless.status).toBe(401);
    expect(keyless.headers.get('preference-applied')).toBeNull();
    const readOnly = (await h.call('POST', '/_mock/api-keys', { key: null, body: { scopes: ['read:tickets'] } })).body.data.key;
    const noScope = await h.call('POST', '/v1/tickets', { key: readOnly, headers: { prefer: 'code=201' }, body: { subject: 'x' } });
    expect(noScope.status).toBe(403);
    expect(noScope.body.error.message).toContain('write:tickets');
    const invalid = await h.call('POST', '/v1/tickets', { headers: { prefer: 'code=201' }, body: { priority: 'x' } });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.param).toBe('subject');
  });

  it('delays with latency (real time) and may combine with code', async () => {
    const waits: number[] = [];
    const h = await harness({ sleep: async (ms) => waits.push(ms) });
    const res = await h.get('/v1/me', { headers: { prefer: 'latency=60, code=500' } });
    expect(waits).toEqual([60]);
    expect(res.status).toBe(500);
    expect(res.headers.get('preference-applied')).toBe('latency=60, code=500');
  });

  it.each(['respond-async', 'return=minimal', 'dynamic=true', 'wait=10, handling=lenient'])('ignores the unknown preference %s (RFC 7240)', async (value) => {
    const h = await shared;
    const res = await h.get('/v1/tickets?per_page=1', { headers: { prefer: value } });
    expect(res.status).toBe(200);
    expect(res.headers.get('preference-applied')).toBeNull();
    const mixed = await h.get('/v1/tickets?per_page=1', { headers: { prefer: `${value}, code=404` } });
    expect(mixed.status).toBe(404);
    expect(mixed.headers.get('preference-applied')).toBe('code=404');
  });

  it.each([
    ['code=418', /not a status this operation documents/],
    ['code=201', /not a status this operation documents/],
    ['latency=soon', /whole number of milliseconds/],
  ])('Prefer: %s is a 400 naming Prefer', async (value, message) => {
    const h = await shared;
    const res = await h.get('/v1/tickets', { headers: { prefer: value } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', param: 'Prefer' });
    expect(res.body.error.message).toMatch(message);
  });
});

describe('fault injection', () => {
  it('answers a status for matching requests, count times, then stops', async () => {
    const h = await harness();
    const rule = await h.call('POST', '/_mock/faults', { key: null, body: { method: 'GET', path: '/v1/tickets/*', status: 500, count: 2 } });
    expect(rule.status).toBe(201);
    expect(rule.body.data).toMatchObject({ id: expect.stringMatching(/^flt_/), status: 500, count: 2, hits: 0, probability: 1 });
    expect((await h.get('/v1/tickets')).status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const res = await h.get('/v1/tickets/ticket_123');
      expect(res.status).toBe(500);
      expect(res.body.error).toMatchObject({ type: 'api_error', code: 'internal_error' });
      expect(res.body.error.message).toContain(rule.body.data.id);
    }
    expect((await h.get('/v1/tickets/ticket_123')).status).toBe(200);
    expect((await h.get('/_mock/faults', { key: null })).body.data).toEqual([]);
  });

  it('maps an error type to its status, and undocumented statuses still come in the envelope', async () => {
    const h = await harness();
    await h.call('POST', '/_mock/faults', { key: null, body: { path: '/v1/me', error_type: 'rate_limit_error' } });
    const limited = await h.get('/v1/me');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    await h.call('DELETE', '/_mock/faults', { key: null });
    await h.call('POST', '/_mock/faults', { key: null, body: { path: '/v1/contacts*', status: 503 } });
    const res = await h.app.request('/v1/contacts', { headers: { authorization: 'Bearer sk_test_commflow' } });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { type: 'api_error', code: 'service_unavailable' } });
  });

  it('--latency delays every /v1 answer, and leaves the control plane alone', async () => {
    const waits: number[] = [];
    const h = await harness({ latency: 40, sleep: async (ms) => waits.push(ms) });
    expect((await h.get('/v1/me')).status).toBe(200);
    expect((await h.get('/v1/tickets/nope')).status).toBe(404);
    expect((await h.get('/_mock/health', { key: null })).status).toBe(200);
    expect(waits).toEqual([40, 40]);
  });

  it('delays the real answer when it only has latency', async () => {
    const waits: number[] = [];
    const h = await harness({ sleep: async (ms) => waits.push(ms) });
    await h.call('POST', '/_mock/faults', { key: null, body: { path: '/v1/me', latency_ms: 60 } });
    expect((await h.get('/v1/me')).status).toBe(200);
    expect(waits).toEqual([60]);
    expect((await h.get('/v1/users/user_123')).status).toBe(200);
    expect(waits, 'only the matching path waits').toEqual([60]);
  });

  it('is intermittent with a probability, deterministically for a seed', async () => {
    const run = async () => {
      const h = await harness({ seed: 11 });
      await h.call('POST', '/_mock/faults', { key: null, body: { path: '/v1/me', status: 500, probability: 0.5 } });
      const out: number[] = [];
      for (let i = 0; i < 40; i++) out.push((await h.get('/v1/me')).status);
      return out;
    };
    const [a, b] = [await run(), await run()];
    expect(a).toEqual(b);
    expect(a.filter((s) => s === 500).length).toBeGreaterThan(5);
    expect(a.filter((s) => s === 200).length).toBeGreaterThan(5);
  });

  it("with a workspace_id, hits only that workspace's requests, and the journal shows them with their body", async () => {
    const h = await harness();
    const ws = (await h.call('POST', '/_mock/workspaces', { key: null, body: {} })).body.data;
    const unknown = await h.call('POST', '/_mock/faults', { key: null, body: { workspace_id: 'toString', status: 503 } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error).toMatchObject({ param: 'workspace_id', message: "No workspace with id 'toString' exists." });
    const rule = await h.call('POST', '/_mock/faults', { key: null, body: { workspace_id: ws.workspace.id, status: 429, retry_after: 9, count: 1 } });
    expect(rule.body.data).toMatchObject({ workspace_id: ws.workspace.id, retry_after: 9, status: 429 });
    expect((await h.call('POST', '/v1/tickets', { body: { subject: 'mine' } })).status).toBe(201);
    const hit = await h.call('POST', '/v1/tickets', { key: ws.api_key, body: { subject: 'theirs' } });
    expect(hit.status).toBe(429);
    expect(hit.headers.get('retry-after')).toBe('9');
    expect(hit.headers.get('x-ratelimit-limit')).toBe('300');
    const [entry] = (await h.get(`/_mock/requests?workspace_id=${ws.workspace.id}`, { key: null })).body.data;
    expect(entry).toMatchObject({ method: 'POST', status: 429, workspace_id: ws.workspace.id, body: { subject: 'theirs' } });
    expect((await h.call('POST', '/v1/tickets', { key: ws.api_key, body: { subject: 'theirs' } })).status).toBe(201);
  });

  it('can be listed and removed one by one', async () => {
    const h = await harness();
    const a = (await h.call('POST', '/_mock/faults', { key: null, body: { path: '/v1/me', status: 404 } })).body.data.id;
    await h.call('POST', '/_mock/faults', { key: null, body: { path: '/v1/users', status: 500 } });
    expect((await h.get('/_mock/faults', { key: null })).body.data).toHaveLength(2);
    expect((await h.call('DELETE', `/_mock/faults/${a}`, { key: null })).status).toBe(204);
    expect((await h.call('DELETE', `/_mock/faults/${a}`, { key: null })).status).toBe(404);
    expect((await h.get('/v1/me')).status).toBe(200);
    const bad = await h.call('POST', '/_mock/faults', { key: null, body: { status: 418 } });
    expect(bad.status).toBe(422);
  });
});

describe('the request journal', () => {
  it('records /v1 requests newest first, with the credential cut to a prefix', async () => {
    const h = await harness();
    await h.get('/v1/tickets?status=open&per_page=5');
    await h.call('POST', '/v1/contacts', { body: { email: 'journal@example.com' } });
    await h.get('/v1/tickets/ticket_999');
    await h.get('/_mock/health', { key: null });
    const res = await h.get('/_mock/requests', { key: null });
    const entries = res.body.data;
    expect(entries.map((e: { method: string; path: string }) => `${e.method} ${e.path}`)).toEqual([
      'GET /v1/tickets/ticket_999',
      'POST /v1/contacts',
      'GET /v1/tickets',
    ]);
    expect(entries[2]).toMatchObject({
      query: { status: 'open', per_page: '5' },
      status: 200,
      body: null,
      workspace_id: 'ws_456',
      time: '2026-07-01T12:00:00.000Z',
    });
    expect(entries[1]).toMatchObject({ status: 201, body: { email: 'journal@example.com' } });
    expect(entries[1].headers.authorization).toBe('Bearer sk_test_comm…');
    expect(JSON.stringify(entries)).not.toContain('sk_test_commflow');
    expect(entries[0].status).toBe(404);
    expect(entries[0].duration_ms).toBeGreaterThanOrEqual(0);
  });

  it('filters by method, path, status and limit, and clears', async () => {
    const h = await harness();
    for (let i = 0; i < 3; i++) await h.get('/v1/me');
    await h.call('POST', '/v1/tickets', { body: { subject: 'x' } });
    await h.get('/v1/nothing-here');
    expect((await h.get('/_mock/requests?method=POST', { key: null })).body.data).toHaveLength(1);
    expect((await h.get('/_mock/requests?path=/v1/m*', { key: null })).body.data).toHaveLength(3);
    expect((await h.get('/_mock/requests?status=201', { key: null })).body.data).toHaveLength(1);
    expect((await h.get('/_mock/requests?limit=2', { key: null })).body.data).toHaveLength(2);
    expect((await h.call('DELETE', '/_mock/requests', { key: null })).status).toBe(204);
    expect((await h.get('/_mock/requests', { key: null })).body.data).toEqual([]);
  });

  it('records requests that failed before the handler, and simulated ones', async () => {
    const h = await harness();
    await h.get('/v1/tickets', { key: null });
    await h.get('/v1/tickets', { headers: { prefer: 'code=500' } });
    const statuses = (await h.get('/_mock/requests', { key: null })).body.data.map((e: { status: number }) => e.status);
    expect(statuses).toEqual([500, 401]);
  });
});

describe('reset clears the controls too', () => {
  it('journal, faults, rate windows and clock', async () => {
    const h = await harness({ rateLimit: true, plan: 'starter' });
    await h.call('POST', '/_mock/clock', { key: null, body: { now: '2030-01-01T00:00:00Z' } });
    await h.call('POST', '/_mock/faults', { key: null, body: { path: '/v1/users', status: 500 } });
    for (let i = 0; i < 5; i++) await h.get('/v1/me');
    await h.call('POST', '/_mock/reset', { key: null });
    expect((await h.get('/_mock/requests', { key: null })).body.data).toEqual([]);
    expect((await h.get('/_mock/faults', { key: null })).body.data).toEqual([]);
    expect((await h.get('/_mock/clock', { key: null })).body.data.frozen).toBe(false);
    expect((await h.get('/v1/me')).headers.get('x-ratelimit-remaining')).toBe('59');
  });
});

describe('every status and error type of the overview, on purpose', () => {
  it('200 201 204 400 401 403 404 422 429 500, and all six types', async () => {
    const h = await harness({ rateLimit: true, plan: 'starter' });
    const readOnly = (await h.call('POST', '/_mock/api-keys', { key: null, body: { scopes: ['read:tickets'] } })).body.data.key;
    await h.call('POST', '/_mock/faults', { key: null, body: { path: '/v1/users/*', status: 500 } });
    const seen: [number, string | null][] = [];
    const note = (res: { status: number; body: any }) => seen.push([res.status, res.body?.error?.type ?? null]);
    note(await h.get('/v1/me'));
    const created = await h.call('POST', '/v1/tickets', { body: { subject: 'Matrix' } });
    note(created);
    note(await h.call('DELETE', `/v1/tickets/${created.body.data.id}`));
    note(await h.get('/v1/tickets?per_page=101'));
    note(await h.get('/v1/me', { key: 'sk_test_unknown' }));
    note(await h.call('POST', '/v1/tickets', { key: readOnly, body: { subject: 'x' } }));
    note(await h.get('/v1/tickets/ticket_404'));
    note(await h.call('POST', '/v1/contacts', { body: {} }));
    note(await h.get('/v1/users/user_123'));
    let res: Awaited<ReturnType<typeof h.get>>;
    do res = await h.get('/v1/me');
    while (res.status === 200);
    note(res);
    expect(seen).toEqual([
      [200, null],
      [201, null],
      [204, null],
      [400, 'invalid_request_error'],
      [401, 'authentication_error'],
      [403, 'authorization_error'],
      [404, 'not_found_error'],
      [422, 'invalid_request_error'],
      [500, 'api_error'],
      [429, 'rate_limit_error'],
    ]);
  });
});
