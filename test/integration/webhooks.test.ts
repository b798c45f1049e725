import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { verifyWebhook } from '../../src/index.js';
import { harness, type Harness } from '../helpers/harness.js';
import { refusingUrl, startReceiver, type Receiver } from '../helpers/receiver.js';

const open: Receiver[] = [];
const downs: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all([...open.splice(0), ...downs.splice(0)].map((r) => r.close()));
});

async function setup(respond?: Receiver['respond'], events: string[] = ['*'], options: Parameters<typeof harness>[0] = {}) {
  const receiver = await startReceiver(respond);
  open.push(receiver);
  const h = await harness(options);
  const hook = await h.call('POST', '/v1/webhooks', { body: { url: receiver.url, events } });
  expect(hook.status).toBe(201);
  return { h, receiver, hook: hook.body.data as { id: string; secret: string } };
}

const flush = (h: Harness, body: Record<string, unknown> = {}) => h.call('POST', '/_mock/webhooks/flush', { key: null, body });

describe('webhook deliveries', () => {
  it('deliver the overview payload, signed with the Standard Webhooks headers', async () => {
    const { h, receiver, hook } = await setup();
    const created = await h.call('POST', '/v1/tickets', { body: { subject: 'Need help with billing' } });
    const [got] = await receiver.waitFor(1);
    expect(got!.json).toEqual({ id: expect.stringMatching(/^evt_/), event: 'ticket.created', timestamp: '2026-07-01T12:00:00Z', data: created.body.data });
    expect(got!.headers['content-type']).toBe('application/json');
    expect(got!.headers['user-agent']).toMatch(/^commflow-mock\//);
    expect(got!.headers['webhook-id']).toBe(got!.json.id);
    expect(got!.headers['webhook-timestamp']).toBe(String(Date.parse('2026-07-01T12:00:00Z') / 1000));
    const now = h.clock.now();
    expect(verifyWebhook(hook.secret, got!.headers as Record<string, string>, got!.body, { now })).toEqual(got!.json);
    expect(() => verifyWebhook(hook.secret, got!.headers as Record<string, string>, got!.body.replace('billing', 'b1lling'), { now })).toThrow();
    const flushed = await flush(h);
    expect(flushed.body.data).toMatchObject({ pending: 0, succeeded: 1, failed: 0, timed_out: false });
  });

  it('verify with the standardwebhooks package on a real-time clock', async () => {
    const receiver = await startReceiver();
    open.push(receiver);
    const { createClock } = await import('../../src/clock.js');
    const h = await harness({ clock: createClock() });
    const hook = (await h.call('POST', '/v1/webhooks', { body: { url: receiver.url, events: ['contact.created'] } })).body.data;
    await h.call('POST', '/v1/contacts', { body: { email: 'std@example.com' } });
    const [got] = await receiver.waitFor(1);
    expect(new Webhook(hook.secret).verify(got!.body, got!.headers as Record<string, string>)).toMatchObject({ event: 'contact.created' });
  });

  it('fire one event per change, and ticket.assigned with ticket.updated', async () => {
    const { h, receiver } = await setup();
    const ticket = (await h.call('POST', '/v1/tickets', { body: { subject: 'Events' } })).body.data;
    await h.call('PATCH', `/v1/tickets/${ticket.id}`, { body: { status: 'pending' } });
    await h.call('PATCH', `/v1/tickets/${ticket.id}`, { body: { assignee_id: 'user_124' } });
    await h.call('DELETE', `/v1/tickets/${ticket.id}`);
    const contact = (await h.call('POST', '/v1/contacts', { body: { email: 'events@example.com' } })).body.data;
    await h.call('PUT', `/v1/contacts/${contact.id}`, { body: { email: 'events2@example.com' } });
    await h.call('DELETE', `/v1/contacts/${contact.id}`);
    const conv = (await h.call('POST', '/v1/conversations', { body: { subject: 'Hi' } })).body.data;
    await h.call('POST', `/v1/conversations/${conv.id}/messages`, { body: { body: 'Hello' } });
    await h.call('PATCH', `/v1/conversations/${conv.id}`, { body: { status: 'closed' } });
    await h.call('DELETE', `/v1/conversations/${conv.id}`);
    const expected = [
      'ticket.created',
      'ticket.updated',
      'ticket.updated',
      'ticket.assigned',
      'ticket.deleted',
      'contact.created',
      'contact.updated',
      'contact.deleted',
      'conversation.created',
      'message.created',
      'conversation.updated',
      'conversation.deleted',
    ];
    const got = await receiver.waitFor(expected.length);
    expect(got.map((r) => r.json.event)).toEqual(expected);
    expect(got[3]!.json.data.assignee_id).toBe('user_124');
    expect(got[4]!.json.data.id).toBe(ticket.id);
    expect(new Set(got.map((r) => r.headers['webhook-id'])).size).toBe(expected.length);
  });

  it('only go to subscriptions that take the event, and never to inactive ones', async () => {
    const { h, receiver } = await setup(undefined, ['contact.created']);
    const other = await startReceiver();
    open.push(other);
    await h.call('POST', '/v1/webhooks', { body: { url: other.url, events: ['*'], active: false } });
    await h.call('POST', '/v1/tickets', { body: { subject: 'Not for you' } });
    await h.call('POST', '/v1/contacts', { body: { email: 'for-you@example.com' } });
    await flush(h);
    expect(receiver.received.map((r) => r.json.event)).toEqual(['contact.created']);
    expect(other.received).toHaveLength(0);
  });

  it('retry after a 500 with the same webhook-id, recording every attempt', async () => {
    const { h, receiver, hook } = await setup((n) => ({ status: n === 0 ? 500 : 200 }));
    await h.call('POST', '/v1/tickets', { body: { subject: 'Retry me' } });
    await receiver.waitFor(1);
    const waiting = await flush(h);
    expect(waiting.body.data).toMatchObject({ pending: 1, succeeded: 0, timed_out: false });
    const pending = (await h.get(`/v1/webhooks/${hook.id}/deliveries`)).body.data[0];
    expect(pending).toMatchObject({
      status: 'pending',
      attempts: 1,
      response_status: 500,
      error: 'The endpoint answered 500.',
      next_attempt_at: '2026-07-01T12:00:01.000Z',
    });
    h.clock.advance(1000);
    await receiver.waitFor(2);
    expect(receiver.received[0]!.headers['webhook-id']).toBe(receiver.received[1]!.headers['webhook-id']);
    expect(receiver.received[1]!.headers['webhook-timestamp']).toBe(String(Date.parse('2026-07-01T12:00:01Z') / 1000));
    await flush(h);
    const done = (await h.get(`/v1/webhooks/${hook.id}/deliveries`)).body.data[0];
    expect(done).toMatchObject({ status: 'succeeded', attempts: 2, response_status: 200, error: null, next_attempt_at: null });
    expect(done.history.map((a: { response_status: number }) => a.response_status)).toEqual([500, 200]);
  });

  it('mark a delivery failed after the last retry when the receiver is down', async () => {
    const down = await refusingUrl();
    downs.push(down);
    const { url } = down;
    const h = await harness({ webhookRetries: [1000, 5000] });
    await h.call('POST', '/v1/webhooks', { body: { url, events: ['*'] } });
    await h.call('POST', '/v1/contacts', { body: { email: 'down@example.com' } });
    const flushed = await flush(h, { advance_clock: true });
    expect(flushed.body.data).toMatchObject({ pending: 0, succeeded: 0, failed: 1, timed_out: false });
    const [d] = (await h.get('/_mock/webhooks/deliveries?status=failed', { key: null })).body.data;
    expect(d).toMatchObject({ event: 'contact.created', attempts: 3, response_status: null, next_attempt_at: null });
    expect(d.error).toMatch(/Could not connect/);
    expect(d.history.map((a: { attempted_at: string }) => a.attempted_at)).toEqual([
      '2026-07-01T12:00:00.000Z',
      '2026-07-01T12:00:01.000Z',
      '2026-07-01T12:00:06.000Z',
    ]);
  });

  it('time out a slow receiver, and a slow receiver never slows the API', async () => {
    const { h, receiver } = await setup(() => ({ status: 200, delayMs: 1500 }), ['*'], { webhookTimeout: 300, webhookRetries: [] });
    await h.call('POST', '/v1/contacts', { body: { email: 'warm-up@example.com' } });
    await vi.waitUntil(() => receiver.received.length === 1, { timeout: 4000, interval: 5 });
    const res = await h.call('POST', '/v1/tickets', { body: { subject: 'Slow' } });
    expect(res.status).toBe(201);
    // The receiver takes 1.5 s per delivery and one is already in flight: the API answered before it answered either.
    expect(receiver.answered).toBe(0);
    await receiver.waitFor(2);
    await flush(h);
    const deliveries = (await h.get('/_mock/webhooks/deliveries', { key: null })).body.data;
    expect(deliveries).toHaveLength(2);
    for (const d of deliveries) expect(d).toMatchObject({ status: 'failed', error: 'No complete answer within 300 ms.' });
  });

  it('keep per-endpoint order for successful deliveries', async () => {
    const { h, receiver } = await setup((n) => ({ status: n === 2 ? 503 : 200 }));
    for (let i = 0; i < 8; i++) await h.call('POST', '/v1/tickets', { body: { subject: `Order ${i}` } });
    await flush(h, { advance_clock: true });
    const ok = receiver.received.filter((_, n) => n !== 2).map((r) => r.json.data.subject);
    expect(ok).toEqual(Array.from({ length: 8 }, (_, i) => `Order ${i}`));
  });

  it('POST /_mock/events fires an event with a spec-valid example, like stripe trigger', async () => {
    const { h, receiver } = await setup();
    const fired = await h.call('POST', '/_mock/events', { key: null, body: { event: 'ticket.assigned' } });
    expect(fired.status).toBe(201);
    expect(fired.body.data.deliveries).toBe(1);
    const [got] = await receiver.waitFor(1);
    expect(got!.json).toEqual(fired.body.data.event);
    expect(got!.json.data).toMatchObject({ id: 'ticket_123', subject: 'Need help with billing' });
    const custom = await h.call('POST', '/_mock/events', { key: null, body: { event: 'contact.created', data: { id: 'contact_x', email: 'x@example.com' } } });
    expect(custom.body.data.event.data).toEqual({ id: 'contact_x', email: 'x@example.com' });
    expect((await h.call('POST', '/_mock/events', { key: null, body: { event: 'ticket.exploded' } })).status).toBe(422);
  });

  it('list deliveries per subscription (paginated) and across them (filtered)', async () => {
    const { h, receiver, hook } = await setup();
    for (let i = 0; i < 3; i++) await h.call('POST', '/v1/contacts', { body: { email: `list${i}@example.com` } });
    await h.call('POST', '/v1/tickets', { body: { subject: 'x' } });
    await receiver.waitFor(4);
    await flush(h);
    const page = await h.get(`/v1/webhooks/${hook.id}/deliveries?per_page=2&event=contact.created`);
    expect(page.body.meta).toEqual({ current_page: 1, per_page: 2, total_pages: 2, total_count: 3 });
    expect((await h.get('/_mock/webhooks/deliveries?event=ticket.created&status=succeeded', { key: null })).body.data).toHaveLength(1);
    expect((await h.get(`/_mock/webhooks/deliveries?webhook_id=${hook.id}&limit=2`, { key: null })).body.data).toHaveLength(2);
  });

  it('a reset drops the outbox', async () => {
    const down = await refusingUrl();
    downs.push(down);
    const { url } = down;
    const h = await harness();
    await h.call('POST', '/v1/webhooks', { body: { url, events: ['*'] } });
    await h.call('POST', '/v1/contacts', { body: { email: 'reset@example.com' } });
    await flush(h);
    await h.call('POST', '/_mock/reset', { key: null });
    expect((await flush(h, { advance_clock: true })).body.data).toMatchObject({ pending: 0, failed: 0, succeeded: 0 });
  });
});
