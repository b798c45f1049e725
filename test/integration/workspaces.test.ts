import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { harness, type Harness } from '../helpers/harness.js';

async function workspace(h: Harness, body: Record<string, unknown> = {}) {
  const res = await h.call('POST', '/_mock/workspaces', { key: null, body });
  expect(res.status).toBe(201);
  return res.body.data as { workspace: { id: string; name: string }; api_key: string; live_api_key: string };
}

describe('workspaces', () => {
  it('are created with their own keys and deterministic fixtures', async () => {
    const h = await harness();
    await h.get('/v1/me');
    const a = await workspace(h, { name: 'A', seed: 5 });
    const b = await workspace(h, { name: 'B', seed: 5 });
    expect(a.workspace.id).toMatch(/^ws_[0-9a-f]{12}$/);
    expect(a.api_key).toMatch(/^sk_test_/);
    expect(a.live_api_key).toMatch(/^sk_live_/);
    expect((await h.get('/v1/me', { key: a.api_key })).body.data.workspace).toEqual({ id: a.workspace.id, name: 'A' });
    const listA = (await h.get('/v1/tickets?per_page=100', { key: a.api_key })).text;
    const listB = (await h.get('/v1/tickets?per_page=100', { key: b.api_key })).text;
    expect(listA).toBe(listB);
    const listed = (await h.get('/_mock/workspaces', { key: null })).body.data.map((w: { id: string }) => w.id);
    expect(listed).toEqual(['ws_456', a.workspace.id, b.workspace.id]);
  });

  it('can start empty', async () => {
    const h = await harness();
    const e = await workspace(h, { fixtures: 'empty' });
    expect((await h.get('/v1/tickets', { key: e.api_key })).body.meta.total_count).toBe(0);
    expect((await h.get('/v1/me', { key: e.api_key })).status).toBe(200);
  });

  it('isolate everything: records, lists, keys, journal, webhooks', async () => {
    const h = await harness();
    const a = await workspace(h, { name: 'A' });
    const b = await workspace(h, { name: 'B' });
    const ticket = (await h.call('POST', '/v1/tickets', { key: a.api_key, body: { subject: 'Only in A' } })).body.data;
    expect((await h.get(`/v1/tickets/${ticket.id}`, { key: a.api_key })).status).toBe(200);
    expect((await h.get(`/v1/tickets/${ticket.id}`, { key: b.api_key })).status).toBe(404);
    expect((await h.get(`/v1/tickets/${ticket.id}`)).status).toBe(404);
    expect((await h.call('PATCH', `/v1/tickets/${ticket.id}`, { key: b.api_key, body: { status: 'closed' } })).status).toBe(404);
    expect((await h.get('/v1/tickets?q=Only+in+A', { key: b.api_key })).body.meta.total_count).toBe(0);
    expect((await h.get('/v1/tickets?q=Only+in+A', { key: a.api_key })).body.meta.total_count).toBe(1);
    const journalA = (await h.get(`/_mock/requests?workspace_id=${a.workspace.id}`, { key: null })).body.data;
    expect(journalA.every((e: { workspace_id: string }) => e.workspace_id === a.workspace.id)).toBe(true);
    expect(journalA.map((e: { method: string }) => e.method)).toEqual(['GET', 'GET', 'POST']);
    const keysA = (await h.get(`/_mock/api-keys?workspace_id=${a.workspace.id}`, { key: null })).body.data;
    expect(keysA.map((k: { key: string }) => k.key).sort()).toEqual([a.api_key, a.live_api_key].sort());
  });

  it('keys can be made for a workspace, and revoked per workspace', async () => {
    const h = await harness();
    const a = await workspace(h);
    const key = (await h.call('POST', '/_mock/api-keys', { key: null, body: { workspace_id: a.workspace.id, scopes: ['read:tickets'] } })).body.data;
    expect((await h.get('/v1/me', { key: key.key })).body.data.workspace.id).toBe(a.workspace.id);
    await h.call('DELETE', `/_mock/api-keys/${key.id}`, { key: null });
    expect((await h.get('/v1/me', { key: key.key })).status).toBe(401);
    expect((await h.get('/v1/me', { key: a.api_key })).status).toBe(200);
    const bad = await h.call('POST', '/_mock/api-keys', { key: null, body: { workspace_id: 'ws_nope' } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.param).toBe('workspace_id');
  });

  it('reset one workspace without touching another; delete one with its keys', async () => {
    const h = await harness();
    const a = await workspace(h);
    const b = await workspace(h);
    const inA = (await h.call('POST', '/v1/contacts', { key: a.api_key, body: { email: 'a@example.com' } })).body.data;
    const inB = (await h.call('POST', '/v1/contacts', { key: b.api_key, body: { email: 'b@example.com' } })).body.data;
    expect((await h.call('POST', '/_mock/reset', { key: null, body: { workspace_id: a.workspace.id } })).status).toBe(200);
    expect((await h.get(`/v1/contacts/${inA.id}`, { key: a.api_key })).status).toBe(404);
    expect((await h.get(`/v1/contacts/${inB.id}`, { key: b.api_key })).status).toBe(200);
    expect((await h.get('/v1/me', { key: a.api_key })).status).toBe(200);
    expect((await h.call('DELETE', `/_mock/workspaces/${b.workspace.id}`, { key: null })).status).toBe(204);
    expect((await h.get('/v1/me', { key: b.api_key })).status).toBe(401);
    expect((await h.call('DELETE', `/_mock/workspaces/${b.workspace.id}`, { key: null })).status).toBe(404);
    expect((await h.call('DELETE', '/_mock/workspaces/ws_456', { key: null })).status).toBe(400);
    expect((await h.call('POST', '/_mock/reset', { key: null, body: { workspace_id: 'ws_nope' } })).status).toBe(404);
  });

  it('a full reset drops every created workspace', async () => {
    const h = await harness();
    const a = await workspace(h);
    await h.call('POST', '/_mock/reset', { key: null });
    expect((await h.get('/v1/me', { key: a.api_key })).status).toBe(401);
    expect((await h.get('/_mock/workspaces', { key: null })).body.data.map((w: { id: string }) => w.id)).toEqual(['ws_456']);
  });

  it('webhooks of one workspace never fire for another’s events', async () => {
    const { startReceiver } = await import('../helpers/receiver.js');
    const receiver = await startReceiver();
    try {
      const h = await harness();
      const a = await workspace(h);
      const b = await workspace(h);
      await h.call('POST', '/v1/webhooks', { key: a.api_key, body: { url: receiver.url, events: ['*'] } });
      await h.call('POST', '/v1/tickets', { key: b.api_key, body: { subject: 'B only' } });
      await h.call('POST', '/v1/tickets', { key: a.api_key, body: { subject: 'A only' } });
      await h.call('POST', '/_mock/webhooks/flush', { key: null, body: {} });
      expect(receiver.received.map((r) => r.json.data.subject)).toEqual(['A only']);
      expect((await h.get(`/_mock/webhooks/deliveries?workspace_id=${b.workspace.id}`, { key: null })).body.data).toEqual([]);
    } finally {
      await receiver.close();
    }
  });
});

describe('state and snapshots', () => {
  it('snapshot → mutate → restore equals the snapshot byte for byte', async () => {
    const h = await harness();
    const a = await workspace(h);
    const before = (await h.get('/_mock/state', { key: null })).text;
    await h.call('POST', '/v1/tickets', { key: a.api_key, body: { subject: 'Mutation' } });
    await h.call('DELETE', '/v1/tickets/ticket_123');
    await workspace(h);
    expect((await h.get('/_mock/state', { key: null })).text).not.toBe(before);
    const restored = await h.call('PUT', '/_mock/state', { key: null, body: before });
    expect(restored.status).toBe(200);
    expect((await h.get('/_mock/state', { key: null })).text).toBe(before);
    expect((await h.get('/v1/tickets/ticket_123')).status).toBe(200);
  });

  it('one workspace can be exported and restored on its own', async () => {
    const h = await harness();
    const a = await workspace(h);
    const snapA = (await h.get(`/_mock/state?workspace_id=${a.workspace.id}`, { key: null })).text;
    expect(Object.keys(JSON.parse(snapA).workspaces)).toEqual([a.workspace.id]);
    await h.call('DELETE', '/v1/tickets/ticket_123', { key: a.api_key });
    await h.call('DELETE', '/v1/tickets/ticket_124');
    await h.call('PUT', '/_mock/state?scope=workspaces', { key: null, body: snapA });
    expect((await h.get('/v1/tickets/ticket_123', { key: a.api_key })).status).toBe(200);
    expect((await h.get('/v1/tickets/ticket_124')).status).toBe(404);
    expect((await h.get('/_mock/state?workspace_id=ws_nope', { key: null })).status).toBe(404);
  });

  it('a malformed snapshot is refused and nothing changes', async () => {
    const h = await harness();
    const before = (await h.get('/_mock/state', { key: null })).text;
    const broken = JSON.parse(before);
    expect((await h.call('PUT', '/_mock/state', { key: null, body: '{"version": 1,' })).status).toBe(400);
    expect((await h.call('PUT', '/_mock/state', { key: null, body: { version: 2, apiKeys: [], workspaces: {} } })).status).toBe(422);
    broken.apiKeys[0].workspace_id = 'ws_gone';
    const mismatch = await h.call('PUT', '/_mock/state', { key: null, body: broken });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.error.code).toBe('invalid_snapshot');
    expect((await h.get('/_mock/state', { key: null })).text).toBe(before);
  });

  it('named snapshots', async () => {
    const h = await harness();
    const taken = await h.call('POST', '/_mock/snapshots', { key: null, body: { name: 'clean' } });
    expect(taken.status).toBe(201);
    expect(taken.body.data).toMatchObject({ name: 'clean', workspaces: ['ws_456'] });
    await h.call('DELETE', '/v1/contacts/contact_123');
    expect((await h.call('POST', '/_mock/snapshots/clean/restore', { key: null })).status).toBe(200);
    expect((await h.get('/v1/contacts/contact_123')).status).toBe(200);
    expect((await h.get('/_mock/snapshots', { key: null })).body.data.map((s: { name: string }) => s.name)).toEqual(['clean']);
    expect((await h.call('POST', '/_mock/snapshots/nope/restore', { key: null })).status).toBe(404);
    expect((await h.call('POST', '/_mock/snapshots', { key: null, body: { name: 'bad name!' } })).status).toBe(422);
  });
});

describe('the admin token', () => {
  it('protects /_mock when set, but not /v1 nor health', async () => {
    const h = await harness({ adminToken: 's3cret' });
    expect((await h.get('/_mock/health', { key: null })).status).toBe(200);
    const refused = await h.call('POST', '/_mock/reset', { key: null });
    expect(refused.status).toBe(401);
    expect(refused.body.error).toMatchObject({ type: 'authentication_error', code: 'invalid_admin_token' });
    expect((await h.get('/_mock/requests', { key: 'wrong' })).status).toBe(401);
    expect((await h.get('/_mock/requests', { key: 's3cret' })).status).toBe(200);
    expect((await h.get('/v1/me')).status).toBe(200);
  });
});

describe('isolation, as a property', () => {
  it('random operations from two workspaces never leak into each other', async () => {
    const h = await harness();
    const a = await workspace(h, { fixtures: 'empty' });
    const b = await workspace(h, { fixtures: 'empty' });
    const keys = { a: a.api_key, b: b.api_key };
    const op = fc.record({
      who: fc.constantFrom<'a' | 'b'>('a', 'b'),
      kind: fc.constantFrom('ticket', 'contact', 'patch', 'delete'),
      n: fc.nat(1000),
    });
    const owned: Record<'a' | 'b', string[]> = { a: [], b: [] };
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 25 }), async (ops) => {
        for (const o of ops) {
          const key = keys[o.who];
          const other = o.who === 'a' ? 'b' : 'a';
          if (o.kind === 'ticket') {
            const r = await h.call('POST', '/v1/tickets', { key, body: { subject: `${o.who}-${o.n}` } });
            owned[o.who].push(`/v1/tickets/${r.body.data.id}`);
          } else if (o.kind === 'contact') {
            const r = await h.call('POST', '/v1/contacts', { key, body: { email: `${o.who}-${o.n}-${owned[o.who].length}@example.com` } });
            owned[o.who].push(`/v1/contacts/${r.body.data.id}`);
          } else if (owned[other].length) {
            const target = owned[other][o.n % owned[other].length]!;
            const r =
              o.kind === 'patch'
                ? await h.call('PATCH', target, { key, body: target.includes('tickets') ? { status: 'closed' } : { name: 'x' } })
                : await h.call('DELETE', target, { key });
            expect(r.status).toBe(404);
          }
        }
        for (const who of ['a', 'b'] as const) {
          const mine = new Set(owned[who]);
          for (const path of ['/v1/tickets?per_page=100', '/v1/contacts?per_page=100']) {
            const listed = (await h.get(path, { key: keys[who] })).body.data as { id: string; subject?: string; email?: string }[];
            for (const r of listed) {
              expect(mine.has(`${path.split('?')[0]}/${r.id}`)).toBe(true);
              expect(String(r.subject ?? r.email).startsWith(`${who}-`)).toBe(true);
            }
          }
        }
      }),
      { numRuns: 15, seed: 42 },
    );
  });
});
