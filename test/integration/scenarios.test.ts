import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../src/conformance/catalogue.js';
import { loadSpec, type JsonObject } from '../../src/openapi/spec.js';
import { harness, type Harness } from '../helpers/harness.js';

const arm = (h: Harness, body: unknown) => h.call('POST', '/_mock/scenarios', { key: null, body });
const scenario = (h: Harness, id: string) => h.get(`/_mock/scenarios/${id}`, { key: null });
const workspace = async (h: Harness) => {
  const data = (await h.call('POST', '/_mock/workspaces', { key: null, body: {} })).body.data;
  return { id: data.workspace.id as string, key: data.api_key as string };
};

describe('GET /_mock/scenarios', () => {
  it('lists the six scenarios with their options, defaults and checks', async () => {
    const h = await harness();
    const res = await h.get('/_mock/scenarios', { key: null });
    expect(res.status).toBe(200);
    expect(res.body.data.map((s: { name: string }) => s.name)).toEqual([
      'rate-limit',
      'server-errors',
      'dropped-connection',
      'token-expiry',
      'pagination',
      'webhook-receiver',
    ]);
    expect(res.body.data[0]).toMatchObject({
      summary: expect.stringContaining('429'),
      options: [
        { name: 'retry_after_s', default: 1, description: expect.any(String) },
        { name: 'count', default: 2, description: expect.any(String) },
        { name: 'max_attempts', default: 5, description: expect.any(String) },
      ],
      checks: expect.arrayContaining([{ name: 'waited-retry-after', description: expect.stringContaining('Retry-After') }]),
    });
  });

  it("is openapi.yaml's ScenarioName enum and ScenarioOptions, every default within its bounds", async () => {
    const spec = await loadSpec();
    const schemas = spec.components.schemas as Record<string, JsonObject>;
    expect(SCENARIOS.map((s) => s.name)).toEqual(schemas.ScenarioName!.enum);
    const options = schemas.ScenarioOptions!.properties as Record<string, JsonObject>;
    const used = new Set(SCENARIOS.flatMap((s) => s.options.map((o) => o.name)));
    expect([...used].sort()).toEqual(Object.keys(options).sort());
    for (const s of SCENARIOS) {
      for (const o of s.options) {
        const schema = options[o.name]!;
        if (o.default === null) continue;
        expect(typeof o.default, `${s.name} ${o.name}`).toBe(schema.type === 'integer' ? 'number' : 'string');
        if (typeof o.default === 'number') {
          expect(o.default).toBeGreaterThanOrEqual(Number(schema.minimum));
          expect(o.default).toBeLessThanOrEqual(Number(schema.maximum));
        }
        expect(String(schema.description), `${o.name} names ${s.name}`).toContain(s.name);
      }
    }
  });
});

describe('POST /_mock/scenarios and GET /_mock/scenarios/{id}', () => {
  it('arms one for a workspace (201, pending, its options filled in), then grades it', async () => {
    const h = await harness();
    const ws = await workspace(h);
    const res = await arm(h, { name: 'pagination', workspace_id: ws.id });
    expect(res.status).toBe(201);
    expect(res.body.data).toEqual({
      id: 'scn_1',
      name: 'pagination',
      workspace_id: ws.id,
      options: {},
      status: 'pending',
      armed_at: '2026-07-01T12:00:00Z',
      ended_at: null,
      checks: ['per-page-max', 'followed-links', 'every-page-once', 'reached-end'].map((name) => ({
        name,
        passed: false,
        detail: 'Not graded yet: the workspace has made no list request yet.',
      })),
    });
    let next: string | null = '/v1/contacts?per_page=100';
    while (next) next = (await h.get(next, { key: ws.key })).body.links.next;
    const graded = await scenario(h, 'scn_1');
    expect(graded.body.data.status).toBe('passed');
    expect((await arm(h, { name: 'rate-limit', workspace_id: ws.id, options: { count: 1 } })).body.data.options).toEqual({
      retry_after_s: 1,
      count: 1,
      max_attempts: 5,
    });
  });

  it('arms the default workspace by default, and refuses what it cannot arm, naming it', async () => {
    const h = await harness();
    expect((await arm(h, { name: 'rate-limit' })).body.data.workspace_id).toBe('ws_456');
    const cases: [unknown, number, string | null, RegExp][] = [
      [{ name: 'chaos' }, 422, 'name', /must be one of: rate-limit, server-errors/],
      [{ name: 'pagination', options: { count: 2 } }, 422, 'options.count', /The scenario 'pagination' takes no option 'count'. It takes: path./],
      [{ name: 'rate-limit', options: { retry_after_s: 0 } }, 422, 'options.retry_after_s', /at least 1/],
      [{ name: 'rate-limit', options: { colour: 1 } }, 422, 'options.colour', /Unknown field 'options.colour'/],
      [{ name: 'rate-limit', workspace_id: 'ws_nope' }, 422, 'workspace_id', /No workspace with id 'ws_nope' exists/],
      [{ name: 'rate-limit', workspace_id: 'constructor' }, 422, 'workspace_id', /'constructor'/],
      [{ name: 'webhook-receiver' }, 422, 'options.webhook_id', /has no active webhook subscription: subscribe your endpoint first/],
      [{ name: 'webhook-receiver', options: { webhook_id: 'wh_nope' } }, 422, 'options.webhook_id', /No webhook subscription 'wh_nope'/],
      [{}, 422, 'name', /The 'name' field is required/],
    ];
    for (const [body, status, param, message] of cases) {
      const res = await arm(h, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.error.param).toBe(param);
      expect(res.body.error.message).toMatch(message);
    }
    expect((await scenario(h, 'scn_99')).status).toBe(404);
    expect((await scenario(h, '__proto__')).body.error.message).toBe("No scenario with id '__proto__' exists.");
  });

  it('injects into its workspace only, through fault rules of that workspace that GET /_mock/faults shows', async () => {
    const h = await harness();
    const a = await workspace(h);
    const b = await workspace(h);
    await arm(h, { name: 'rate-limit', workspace_id: a.id, options: { retry_after_s: 7, count: 2 } });
    expect((await h.get('/_mock/faults', { key: null })).body.data).toMatchObject([{ workspace_id: a.id, status: 429, retry_after: 7, count: 2 }]);
    expect((await h.get('/v1/me', { key: b.key })).status).toBe(200);
    expect((await h.get('/v1/me')).status).toBe(200);
    const refused = await h.get('/v1/me', { key: a.key });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('7');
    // Authentication comes first: a request without a valid key is not the workspace's.
    expect((await h.get('/v1/me', { key: 'sk_test_nope' })).status).toBe(401);
    const [entry] = (await h.get(`/_mock/requests?workspace_id=${a.id}`, { key: null })).body.data;
    expect(entry).toMatchObject({ path: '/v1/me', status: 429, workspace_id: a.id });
  });

  it('arming another in the workspace ends the first: its faults go, its verdict stays as it stood', async () => {
    const h = await harness();
    const ws = await workspace(h);
    await arm(h, { name: 'server-errors', workspace_id: ws.id, options: { count: 5 } });
    const injected = await h.app.request('/v1/tickets', {
      method: 'POST',
      headers: { authorization: `Bearer ${ws.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ subject: 'x' }),
    });
    expect(injected.status).toBe(503);
    const second = await arm(h, { name: 'pagination', workspace_id: ws.id });
    expect(second.body.data.id).toBe('scn_2');
    expect((await h.get('/_mock/faults', { key: null })).body.data).toEqual([]);
    expect((await h.call('POST', '/v1/tickets', { key: ws.key, body: { subject: 'y' } })).status).toBe(201);
    // Its verdict was taken when it ended: emptying the journal since changes nothing.
    await h.call('DELETE', '/_mock/requests', { key: null });
    const first = (await scenario(h, 'scn_1')).body.data;
    expect(first.ended_at).toBe('2026-07-01T12:00:00Z');
    expect(first.checks.map((c: { name: string }) => c.name)).toEqual(['retried-safe', 'growing-delays', 'no-blind-repeat']);
    expect(first.status).toBe('passed');
    expect(first.checks.find((c: { name: string }) => c.name === 'no-blind-repeat').detail).toBe('No POST or PATCH that failed was sent again blindly.');
  });

  it("a workspace's reset or deletion, or a full reset, drops its scenarios and what they inject", async () => {
    const h = await harness();
    const a = await workspace(h);
    const b = await workspace(h);
    await arm(h, { name: 'dropped-connection', workspace_id: a.id });
    await arm(h, { name: 'rate-limit', workspace_id: b.id });
    await h.call('POST', '/_mock/reset', { key: null, body: { workspace_id: a.id } });
    expect((await scenario(h, 'scn_1')).status).toBe(404);
    expect((await h.get('/_mock/faults', { key: null })).body.data.map((f: { workspace_id: string }) => f.workspace_id)).toEqual([b.id]);
    expect((await h.call('DELETE', `/_mock/workspaces/${b.id}`, { key: null })).status).toBe(204);
    expect((await scenario(h, 'scn_2')).status).toBe(404);
    expect((await h.get('/_mock/faults', { key: null })).body.data).toEqual([]);
    await arm(h, { name: 'token-expiry' });
    await h.call('POST', '/_mock/reset', { key: null });
    expect((await scenario(h, 'scn_3')).status).toBe(404);
  });

  it('pagination: a page over the per_page maximum fails, and says what to do', async () => {
    const h = await harness();
    const ws = await workspace(h);
    await arm(h, { name: 'pagination', workspace_id: ws.id, options: { path: '/v1/tickets' } });
    expect((await h.get('/v1/tickets?per_page=500', { key: ws.key })).status).toBe(400);
    await h.get('/v1/contacts', { key: ws.key }); // not the path watched
    const view = (await scenario(h, 'scn_1')).body.data;
    expect(view.status).toBe('failed');
    expect(view.checks[0]).toEqual({
      name: 'per-page-max',
      passed: false,
      detail:
        'GET /v1/tickets?per_page=500 asked for 500 per page (answered 400): the maximum is 100; ask for at most that and follow links.next for the rest.',
    });
    expect(view.checks.find((c: { name: string }) => c.name === 'reached-end').detail).toBe('No list request was answered 200: there was no walk to finish.');
  });

  it('pagination: a walk that stops early, one that repeats a page, one that starts in the middle', async () => {
    const h = await harness();
    const ws = await workspace(h);
    await arm(h, { name: 'pagination', workspace_id: ws.id });
    await h.get('/v1/tickets?status=open', { key: ws.key });
    const second = (await h.get('/v1/tickets?status=open', { key: ws.key })).body.links.next;
    await h.get(second, { key: ws.key });
    await h.get(second, { key: ws.key });
    await h.get('/v1/contacts?page=3', { key: ws.key });
    const checks = Object.fromEntries((await scenario(h, 'scn_1')).body.data.checks.map((c: { name: string; detail: string }) => [c.name, c.detail]));
    expect(checks['every-page-once']).toBe('Page 2 of /v1/tickets was fetched 2 times in one walk: fetch each page once, moving on through links.next.');
    expect(checks['followed-links']).toMatch(
      /^GET \/v1\/tickets\?status=open&page=2 was not the links.next of the page before \(\/v1\/tickets\?status=open&page=3\)/,
    );
    expect(checks['reached-end']).toMatch(/^The walk of \/v1\/tickets stopped at page 1 of \d+ \(its links.next was \/v1\/tickets\?status=open&page=2\)/);
  });

  it('token-expiry stays pending while no request uses an OAuth access token', async () => {
    const h = await harness();
    const ws = await workspace(h);
    await arm(h, { name: 'token-expiry', workspace_id: ws.id });
    await h.get('/v1/me', { key: ws.key });
    const view = (await scenario(h, 'scn_1')).body.data;
    expect(view.status).toBe('pending');
    expect(view.options).toEqual({ after_requests: 1, expirations: 2 });
  });
});
