import { afterEach, describe, expect, it, vi } from 'vitest';
import { sign } from '../../src/webhooks/signing.js';
import { harness, type Harness } from '../helpers/harness.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { sseReader } from '../helpers/sse.js';

/** The control endpoints the inspector needs, which a test can call too. */

const open: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});

async function subscribed(h: Harness, respond?: Receiver['respond']) {
  const receiver = await startReceiver(respond);
  open.push(receiver);
  const hook = (await h.call('POST', '/v1/webhooks', { body: { url: receiver.url, events: ['ticket.created'] } })).body.data;
  return { receiver, hook };
}

const mock = (h: Harness, method: string, path: string, body?: unknown) => h.call(method, path, { key: null, ...(body === undefined ? {} : { body }) });

describe('webhook deliveries: redeliver and verify', () => {
  it('records each attempt with its signed headers and the start of the answer', async () => {
    const h = await harness();
    const { hook } = await subscribed(h, () => ({ status: 200 }));
    await h.call('POST', '/v1/tickets', { body: { subject: 'Attempts' } });
    await mock(h, 'POST', '/_mock/webhooks/flush', {});
    const [d] = (await mock(h, 'GET', '/_mock/webhooks/deliveries')).body.data;
    const [attempt] = d.history;
    expect(attempt).toMatchObject({
      response_status: 200,
      response_body: 'ok',
      headers: { 'webhook-id': d.event_id, 'webhook-timestamp': String(h.clock.now() / 1000) },
    });
    expect(attempt.headers['webhook-signature']).toBe(sign(hook.secret, d.event_id, attempt.headers['webhook-timestamp'], JSON.stringify(d.payload)));
  });

  it('redelivers a delivery as a new one: same event and webhook-id, sent again, attempts of its own', async () => {
    const h = await harness();
    const { receiver } = await subscribed(h);
    await h.call('POST', '/v1/tickets', { body: { subject: 'Again' } });
    await receiver.waitFor(1);
    await mock(h, 'POST', '/_mock/webhooks/flush', {});
    const [first] = (await mock(h, 'GET', '/_mock/webhooks/deliveries')).body.data;
    const again = await mock(h, 'POST', `/_mock/webhooks/deliveries/${first.id}/redeliver`);
    expect(again.status).toBe(201);
    expect(again.body.data).toMatchObject({
      event_id: first.event_id,
      webhook_id: first.webhook_id,
      status: 'pending',
      attempts: 0,
      history: [],
      payload: first.payload,
    });
    expect(again.body.data.id).not.toBe(first.id);
    const [, second] = await receiver.waitFor(2);
    expect(second!.headers['webhook-id']).toBe(first.event_id);
    expect(second!.body).toBe(JSON.stringify(first.payload));
  });

  it('refuses to redeliver to a subscription that is inactive or deleted (422), or a delivery it does not hold (404)', async () => {
    const h = await harness();
    const { receiver, hook } = await subscribed(h);
    await h.call('POST', '/v1/tickets', { body: { subject: 'Gone' } });
    await receiver.waitFor(1);
    const [d] = (await mock(h, 'GET', '/_mock/webhooks/deliveries')).body.data;
    await h.call('PATCH', `/v1/webhooks/${hook.id}`, { body: { active: false } });
    const inactive = await mock(h, 'POST', `/_mock/webhooks/deliveries/${d.id}/redeliver`);
    expect(inactive.status).toBe(422);
    expect(inactive.body.error).toMatchObject({ code: 'webhook_unavailable', param: 'id' });
    expect(inactive.body.error.message).toContain('inactive');
    // Deleting a subscription takes its deliveries with it.
    await h.call('DELETE', `/v1/webhooks/${hook.id}`);
    expect((await mock(h, 'POST', `/_mock/webhooks/deliveries/${d.id}/redeliver`)).status).toBe(404);
    for (const id of ['dlv_nope', '__proto__', 'toString']) expect((await mock(h, 'POST', `/_mock/webhooks/deliveries/${id}/redeliver`)).status).toBe(404);
    const ws = (await mock(h, 'POST', '/_mock/workspaces', { fixtures: 'empty' })).body.data.workspace.id;
    // Another workspace's delivery is not found there.
    expect((await mock(h, 'POST', `/_mock/webhooks/deliveries/${d.id}/redeliver?workspace_id=${ws}`)).status).toBe(404);
    expect((await mock(h, 'POST', `/_mock/webhooks/deliveries/${d.id}/redeliver?workspace_id=ws_nope`)).body.error.param).toBe('workspace_id');
  });

  it('checks a pasted secret against the signatures the attempts carried', async () => {
    const h = await harness();
    const { receiver, hook } = await subscribed(h, (n) => ({ status: n === 0 ? 500 : 200 }));
    await h.call('POST', '/v1/tickets', { body: { subject: 'Verify' } });
    await receiver.waitFor(1);
    await mock(h, 'POST', '/_mock/webhooks/flush', { advance_clock: true });
    const [d] = (await mock(h, 'GET', '/_mock/webhooks/deliveries')).body.data;
    expect(d.attempts).toBe(2);
    const good = await mock(h, 'POST', `/_mock/webhooks/deliveries/${d.id}/verify`, { secret: hook.secret });
    expect(good.body.data).toMatchObject({ valid: true, checked: 'attempts', matched_at: d.history[0].attempted_at });
    const bad = await mock(h, 'POST', `/_mock/webhooks/deliveries/${d.id}/verify`, { secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwTJ0FkUq1' });
    expect(bad.body.data).toMatchObject({ valid: false, checked: 'attempts', matched_at: null });
    expect(bad.body.data.message).toContain('none of the 2 attempts');
    // Without its prefix, the key part of the secret is the same key (Standard Webhooks).
    expect((await mock(h, 'POST', `/_mock/webhooks/deliveries/${d.id}/verify`, { secret: hook.secret.slice(6) })).body.data.valid).toBe(true);
    expect((await mock(h, 'POST', `/_mock/webhooks/deliveries/${d.id}/verify`, { secret: '' })).status).toBe(422);
  });

  it('checks a delivery not attempted yet (its first attempt still waiting for an answer) against its subscription', async () => {
    const h = await harness({ webhookTimeout: 30_000 });
    const { receiver, hook } = await subscribed(h, () => ({ status: 200, delayMs: 60_000 }));
    const fired = await mock(h, 'POST', '/_mock/events', { event: 'ticket.created' });
    expect(fired.body.data.deliveries).toBe(1);
    // Arrived, not answered (waitFor resolves on answers).
    await vi.waitFor(() => expect(receiver.received).toHaveLength(1), { timeout: 5_000, interval: 5 });
    const [d] = (await mock(h, 'GET', '/_mock/webhooks/deliveries')).body.data;
    expect(d.history).toEqual([]);
    const check = await mock(h, 'POST', `/_mock/webhooks/deliveries/${d.id}/verify`, { secret: hook.secret });
    expect(check.body.data).toMatchObject({ valid: true, checked: 'subscription', matched_at: null });
    const wrong = await mock(h, 'POST', `/_mock/webhooks/deliveries/${d.id}/verify`, { secret: `${hook.secret.slice(0, -4)}AAAA` });
    expect(wrong.body.data).toMatchObject({ valid: false, checked: 'subscription' });
  });
});

describe('GET /_mock/stats, /_mock/webhooks, /_mock/rate-limits', () => {
  it('counts each collection of each workspace, and follows writes and resets', async () => {
    const h = await harness();
    const ws = (await mock(h, 'POST', '/_mock/workspaces', { name: 'Counted', fixtures: 'empty' })).body.data;
    const stats = async () => (await mock(h, 'GET', '/_mock/stats')).body.data;
    const before = await stats();
    expect(before.workspaces[0].workspace.id).toBe('ws_456');
    expect(before.workspaces[0].counts).toMatchObject({ conversations: 250, tickets: 200, contacts: 120 });
    const mine = () => stats().then((s) => s.workspaces.find((w: any) => w.workspace.id === ws.workspace.id));
    expect(await mine()).toMatchObject({ counts: { tickets: 0, users: 1 }, api_keys: 2 });
    await h.call('POST', '/v1/tickets', { key: ws.api_key, body: { subject: 'Counted' } });
    expect((await mine()).counts.tickets).toBe(1);
    await mock(h, 'POST', '/_mock/reset', { workspace_id: ws.workspace.id });
    expect((await mine()).counts.tickets).toBe(0);
    expect(await stats()).toMatchObject({ journal: { max_entries: 10_000 }, outbox: { pending: 0 }, faults: 0, streams: 0 });
  });

  it('lists subscriptions of every workspace without their secrets', async () => {
    const h = await harness();
    const ws = (await mock(h, 'POST', '/_mock/workspaces', { fixtures: 'empty' })).body.data;
    const a = (await h.call('POST', '/v1/webhooks', { body: { url: 'https://example.com/a', events: ['*'] } })).body.data;
    const b = (await h.call('POST', '/v1/webhooks', { key: ws.api_key, body: { url: 'https://example.com/b', events: ['ticket.created'] } })).body.data;
    const all = (await mock(h, 'GET', '/_mock/webhooks')).body.data;
    expect(all.map((x: any) => [x.workspace_id, x.webhook.id])).toEqual(
      expect.arrayContaining([
        ['ws_456', a.id],
        [ws.workspace.id, b.id],
      ]),
    );
    expect(JSON.stringify(all)).not.toContain('whsec_');
    expect((await mock(h, 'GET', `/_mock/webhooks?workspace_id=${ws.workspace.id}`)).body.data.map((x: any) => x.webhook.id)).toEqual([b.id]);
    expect((await mock(h, 'GET', '/_mock/webhooks?workspace_id=__proto__')).body.data).toEqual([]);
  });

  it("shows each key's window: used and remaining move with requests, and go back with the clock", async () => {
    const h = await harness({ rateLimit: true });
    const key = (await mock(h, 'POST', '/_mock/api-keys', { plan: 'starter', name: 'Counted key' })).body.data;
    for (let i = 0; i < 5; i++) await h.get('/v1/me', { key: key.key });
    const windows = async () => (await mock(h, 'GET', '/_mock/rate-limits')).body.data;
    const mine = async () => (await windows()).find((w: any) => w.key_id === key.id);
    expect(await mine()).toMatchObject({ bucket: `key:${key.id}`, kind: 'api_key', name: 'Counted key', plan: 'starter', limit: 60, used: 5, remaining: 55 });
    expect((await mine()).reset).toBe('2026-07-01T12:01:00.000Z');
    // The same numbers the API sends.
    const res = await h.get('/v1/me', { key: key.key });
    expect(res.headers.get('x-ratelimit-remaining')).toBe(String((await mine()).remaining));
    await mock(h, 'POST', '/_mock/clock', { advance_ms: 60_000 });
    expect(await mine()).toMatchObject({ used: 0, remaining: 60, reset: '2026-07-01T12:02:00.000Z' });
    await h.get('/v1/me', { key: 'sk_test_unknown' });
    expect((await windows()).find((w: any) => w.kind === 'address')).toMatchObject({ used: 1, workspace_id: null });
    await mock(h, 'DELETE', `/_mock/api-keys/${key.id}`);
    expect(await mine()).toBeUndefined();
    const other = (await mock(h, 'POST', '/_mock/workspaces', { fixtures: 'empty' })).body.data.workspace.id;
    const only = (await mock(h, 'GET', `/_mock/rate-limits?workspace_id=${other}`)).body.data;
    expect(only.map((w: any) => w.workspace_id)).toEqual([other, other]);
  });
});

describe('GET /_mock/stream, in-process', () => {
  it('tells requests, deliveries, state and clock changes as they happen', async () => {
    const h = await harness();
    const receiver = await startReceiver();
    open.push(receiver);
    const s = sseReader(await h.app.request('/_mock/stream'));
    open.push({ close: () => s.cancel() });
    await s.until(() => s.of('ready').length === 1);
    expect(h.deps.feed.size).toBe(1);
    await h.call('POST', '/v1/webhooks', { body: { url: receiver.url, events: ['ticket.created'] } });
    await h.call('POST', '/v1/tickets', { body: { subject: 'Streamed' } });
    await s.until(() => s.of('request').length === 2 && s.of('delivery').some((e) => e.data.delivery.status === 'succeeded') && s.of('state').length > 0);
    expect(s.of('request')[1]!.data).toMatchObject({
      method: 'POST',
      path: '/v1/tickets',
      status: 201,
      workspace_id: 'ws_456',
      key: 'sk_test_comm…',
      query: '',
    });
    expect(s.of('delivery').at(-1)!.data).toMatchObject({ workspace_id: 'ws_456', delivery: { event: 'ticket.created', attempts: 1 } });
    await h.call('POST', '/_mock/clock', { key: null, body: { advance_ms: 1000 } });
    await s.until(() => s.of('clock').length === 1);
    expect(s.of('clock')[0]!.data).toEqual({ now: '2026-07-01T12:00:01.000Z', frozen: true, offset_ms: expect.any(Number) });
  });

  it('sends the backlog first (the newest requests held, oldest first), then what comes: nothing missed or told twice', async () => {
    const h = await harness();
    const ws = (await mock(h, 'POST', '/_mock/workspaces', { fixtures: 'empty' })).body.data;
    for (const path of ['/v1/users', '/v1/tickets', '/v1/contacts', '/v1/me']) await h.get(path);
    await h.get('/v1/me', { key: ws.api_key });
    const s = sseReader(await h.app.request('/_mock/stream?backlog=3'));
    open.push({ close: () => s.cancel() });
    await s.until(() => s.of('request').length === 3);
    expect(s.events.map((e) => e.event)).toEqual(['ready', 'request', 'request', 'request']);
    expect(s.of('request').map((e) => e.data.path)).toEqual(['/v1/contacts', '/v1/me', '/v1/me']);
    await h.get('/v1/tickets/ticket_123');
    await s.until(() => s.of('request').length === 4);
    expect(s.of('request').map((e) => e.data.id)).toEqual(['req_3', 'req_4', 'req_5', 'req_6']);
    const mine = sseReader(await h.app.request(`/_mock/stream?backlog=10&workspace_id=${ws.workspace.id}&types=request`));
    open.push({ close: () => mine.cancel() });
    await mine.until(() => mine.of('request').length === 1);
    expect(mine.of('request')[0]!.data).toMatchObject({ id: 'req_5', workspace_id: ws.workspace.id });
  });

  it('is behind --admin-token, same-origin only, never with CORS', async () => {
    const h = await harness({ adminToken: 's3cret' });
    expect((await h.app.request('/_mock/stream')).status).toBe(401);
    const ok = await h.app.request('/_mock/stream?timeout_ms=1', { headers: { authorization: 'Bearer s3cret' } });
    expect(ok.status).toBe(200);
    await ok.text();
    const foreign = await h.app.request('/_mock/stream', { headers: { authorization: 'Bearer s3cret', origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const page = await h.app.request('/_mock/ui', { headers: { origin: 'http://localhost', host: 'localhost' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('access-control-allow-origin')).toBeNull();
    expect((await h.app.request('/_mock/ui', { headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
  });

  it('opens no stream for a HEAD (its body would never be read)', async () => {
    const h = await harness();
    for (let i = 0; i < 20; i++) {
      const res = await h.app.request('/_mock/stream', { method: 'HEAD' });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    }
    expect(h.deps.feed.size).toBe(0);
  });

  it('answers 400 for a bad query, and 429 past 16 streams', async () => {
    const h = await harness();
    for (const q of ['types=nope', 'max_events=0', 'timeout_ms=-1', 'types='])
      expect((await h.call('GET', `/_mock/stream?${q}`, { key: null })).status, q).toBe(400);
    const streams = [];
    for (let i = 0; i < 16; i++) streams.push(sseReader(await h.app.request('/_mock/stream')));
    const refused = await h.call('GET', '/_mock/stream', { key: null });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('too_many_streams');
    expect(refused.headers.get('retry-after')).toBe('1');
    await Promise.all(streams.map((s) => s.cancel()));
    expect(h.deps.feed.size).toBe(0);
  });
});
