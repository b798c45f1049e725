import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { harness, type Harness } from '../helpers/harness.js';
import { pendingDelivery } from '../helpers/records.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';

const servers: Server[] = [];
const receivers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

interface Arrival {
  path: string;
  /** How many `/hang*` requests had been given up (their connection closed) when this one arrived. */
  hangsEnded: number;
}

/** An endpoint that answers by path: `/hang*` never answers, `/trickle` sends one byte every 100 ms forever, others 200. */
async function peer(): Promise<{ base: string; got: Arrival[] }> {
  const got: Arrival[] = [];
  let hangsEnded = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      got.push({ path: req.url ?? '', hangsEnded });
      if (req.url?.startsWith('/hang')) {
        res.on('close', () => hangsEnded++);
        return;
      }
      if (req.url === '/trickle') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        const timer = setInterval(() => res.write('.'), 100);
        res.on('close', () => clearInterval(timer));
        return;
      }
      res.end('ok');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, got };
}

const flush = (h: Harness, body: Record<string, unknown> = {}) => h.call('POST', '/_mock/webhooks/flush', { key: null, body });

describe('webhook attempts have a deadline and never hold up another endpoint', () => {
  it('an endpoint that trickles its answer fails at the deadline', async () => {
    const { base } = await peer();
    const h = await harness({ webhookTimeout: 500, webhookRetries: [] });
    await h.call('POST', '/v1/webhooks', { body: { url: `${base}/trickle`, events: ['*'] } });
    await h.call('POST', '/v1/tickets', { body: { subject: 'Trickle' } });
    const flushed = await flush(h, { timeout_ms: 5000 });
    expect(flushed.body.data).toMatchObject({ failed: 1, timed_out: false });
    const [d] = (await h.get('/_mock/webhooks/deliveries', { key: null })).body.data;
    expect(d.error).toBe('No complete answer within 500 ms.');
  });

  it('70 hanging endpoints on one origin do not delay a healthy one there', async () => {
    const { base, got } = await peer();
    const h = await harness({ webhookTimeout: 5000, webhookRetries: [] });
    for (let i = 0; i < 70; i++) await h.call('POST', '/v1/webhooks', { body: { url: `${base}/hang${i}`, events: ['*'] } });
    await h.call('POST', '/v1/webhooks', { body: { url: `${base}/healthy`, events: ['*'] } });
    await h.call('POST', '/v1/tickets', { body: { subject: 'Crowd' } });
    const healthy = await vi.waitUntil(() => got.find((g) => g.path === '/healthy'), { timeout: 4000, interval: 5 });
    // It arrived while every hanging attempt was still open (none had reached its 5 s deadline).
    expect(healthy.hangsEnded).toBe(0);
    await vi.waitUntil(() => got.filter((g) => g.path.startsWith('/hang')).length === 70, { timeout: 4000, interval: 5 });
  });

  it('flush waits on events: almost no CPU while an attempt is in flight', async () => {
    const { base } = await peer();
    const h = await harness({ webhookTimeout: 1500, webhookRetries: [] });
    await h.call('POST', '/v1/webhooks', { body: { url: `${base}/hang`, events: ['*'] } });
    await h.call('POST', '/v1/tickets', { body: { subject: 'Wait' } });
    const cpu = process.cpuUsage();
    const flushed = await flush(h, { timeout_ms: 5000 });
    const used = process.cpuUsage(cpu);
    expect(flushed.body.data).toMatchObject({ failed: 1, timed_out: false });
    // The flush lasted the whole 1.5 s attempt: it ended on the attempt's deadline.
    const [d] = (await h.get('/_mock/webhooks/deliveries', { key: null })).body.data;
    expect(d.error).toBe('No complete answer within 1500 ms.');
    // It used to spin: about one CPU-second per second of waiting.
    expect((used.user + used.system) / 1000).toBeLessThan(300);
  });
});

describe('webhooks respect scopes', () => {
  it('a key without read:contacts cannot subscribe to contact events, and its * gets only what it may read', async () => {
    const receiver = await startReceiver();
    receivers.push(receiver);
    const h = await harness();
    const key = async (scopes: string[]) => (await h.call('POST', '/_mock/api-keys', { key: null, body: { scopes } })).body.data.key as string;
    const none = await key([]);
    const refused = await h.call('POST', '/v1/webhooks', { key: none, body: { url: receiver.url, events: ['contact.created'] } });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ type: 'authorization_error', param: 'events' });
    expect(refused.body.error.message).toContain("'read:contacts'");
    expect((await h.call('POST', '/v1/webhooks', { key: none, body: { url: receiver.url, events: ['*'] } })).status).toBe(201);
    const tickets = await key(['read:tickets']);
    expect((await h.call('POST', '/v1/webhooks', { key: tickets, body: { url: `${receiver.url}?tickets`, events: ['*'] } })).status).toBe(201);
    await h.call('POST', '/v1/contacts', { body: { email: 'secret@example.com' } });
    await h.call('POST', '/v1/conversations/conv_123/messages', { body: { body: 'private' } });
    await h.call('POST', '/v1/tickets', { body: { subject: 'Visible' } });
    await flush(h);
    expect(receiver.received.map((r) => `${r.json.event}`)).toEqual(['ticket.created']);
    // A later writer with fewer scopes narrows what the subscription receives.
    const [mine] = (await h.get('/v1/webhooks?per_page=100')).body.data.filter((w: { url: string }) => w.url.endsWith('?tickets'));
    expect((await h.call('PATCH', `/v1/webhooks/${mine.id}`, { key: none, body: { description: 'narrowed' } })).status).toBe(200);
    await h.call('POST', '/v1/tickets', { body: { subject: 'Hidden now' } });
    await flush(h);
    expect(receiver.received).toHaveLength(1);
  });
});

describe('webhook URLs', () => {
  it('must be URLs this server can call', async () => {
    const h = await harness();
    const res = await h.call('POST', '/v1/webhooks', { body: { url: 'http://[fe80::1%25lo]:8080/hook', events: ['*'] } });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ param: 'url', code: 'invalid_url' });
  });
});

describe('a restored snapshot', () => {
  it('sends the deliveries it left pending', async () => {
    const receiver = await startReceiver();
    receivers.push(receiver);
    const h = await harness();
    const hook = (await h.call('POST', '/v1/webhooks', { body: { url: receiver.url, events: ['*'] } })).body.data;
    const state = (await h.get('/_mock/state', { key: null })).body;
    state.workspaces.ws_456.collections.deliveries.dlv_restored = pendingDelivery('dlv_restored', hook.id, {
      payload: { id: 'evt_restored', event: 'ticket.created', timestamp: '2026-07-01T12:00:00Z', data: { id: 'ticket_123' } },
    });
    expect((await h.call('PUT', '/_mock/state', { key: null, body: state })).status).toBe(200);
    const [got] = await receiver.waitFor(1);
    expect(got!.headers['webhook-id']).toBe('evt_restored');
    await flush(h);
    expect((await h.get('/_mock/webhooks/deliveries', { key: null })).body.data[0]).toMatchObject({ id: 'dlv_restored', status: 'succeeded' });
  });
});
