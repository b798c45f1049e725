import { lookup } from 'node:dns/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { createClock, type Clock } from '../../src/clock.js';
import type { Rec } from '../../src/store/types.js';
import { Sender, type SenderOptions } from '../../src/webhooks/sender.js';
import { verifyWebhook, WebhookVerificationError } from '../../src/webhooks/signing.js';
import type { Listener } from '../../src/webhooks/targets.js';
import { refusingUrl, startReceiver, type Receiver } from '../helpers/receiver.js';

// Far from real time: the timestamp can only come from the mock clock.
const T0 = Date.parse('2031-03-04T05:06:07.890Z');
const SECRET = `whsec_${Buffer.from('sender-test-secret-0123456789abcd').toString('base64')}`;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function frozenClock(): Clock {
  const clock = createClock();
  clock.freeze(T0);
  return clock;
}

function sender(opts: Partial<SenderOptions> = {}): Sender {
  const s = new Sender({ clock: frozenClock(), timeoutMs: 10_000, listener: () => undefined, ...opts });
  cleanups.push(() => s.close());
  return s;
}

async function receiver(respond?: Receiver['respond']): Promise<Receiver> {
  const r = await startReceiver(respond);
  cleanups.push(() => r.close());
  return r;
}

/** A local server on port 0 whose handler decides how (and whether) to answer. */
async function server(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; server: Server }> {
  const s = createServer(handler);
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        s.closeAllConnections();
        s.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, server: s };
}

const portOf = (url: string) => Number(new URL(url).port);

const hook = (url: string, over: Partial<Rec> = {}): Rec => ({
  id: 'wh_1',
  url,
  secret: SECRET,
  events: ['*'],
  active: true,
  created_at: '2031-03-04T05:00:00Z',
  updated_at: '2031-03-04T05:00:00Z',
  ...over,
});

const payload = { id: 'evt_abc', event: 'ticket.created', timestamp: '2031-03-04T05:06:07Z', data: { id: 'tkt_1', subject: 'Ünïcode ✓' } };
const delivery = (over: Partial<Rec> = {}): Rec => ({
  id: 'dlv_1',
  webhook_id: 'wh_1',
  event_id: 'evt_abc',
  event: 'ticket.created',
  status: 'pending',
  attempts: 0,
  response_status: null,
  error: null,
  next_attempt_at: '2031-03-04T05:06:07Z',
  payload,
  history: [],
  created_at: '2031-03-04T05:06:07Z',
  updated_at: '2031-03-04T05:06:07Z',
  ...over,
});

const SELF = 'Not sent: the URL reaches this server itself.';

describe('Sender: what it sends', () => {
  it('POSTs the payload as JSON with the Standard Webhooks headers, signed with the subscription secret', async () => {
    const r = await receiver();
    const result = await sender().send('ws_1/wh_1', hook(r.url), delivery());
    expect(result).toMatchObject({ status: 200, error: null });
    expect(r.received).toHaveLength(1);
    const [got] = r.received;
    expect(got!.body).toBe(JSON.stringify(payload));
    expect(got!.json).toEqual(payload);
    expect(got!.headers).toMatchObject({
      'content-type': 'application/json',
      'webhook-id': 'evt_abc',
      'webhook-timestamp': String(Math.floor(T0 / 1000)),
      'content-length': String(Buffer.byteLength(got!.body)),
    });
    expect(got!.headers['user-agent']).toMatch(/^commflow-mock\/\S+ \(webhooks\)$/);
    expect(got!.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(verifyWebhook(SECRET, got!.headers, got!.body, { now: T0 })).toEqual(payload);
  });

  it('the signature does not verify with another secret, nor over another body', async () => {
    const r = await receiver();
    await sender().send('ws_1/wh_1', hook(r.url), delivery());
    const [got] = r.received;
    const other = `whsec_${Buffer.from('another-secret-0123456789abcdefgh').toString('base64')}`;
    expect(() => verifyWebhook(other, got!.headers, got!.body, { now: T0 })).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(SECRET, got!.headers, got!.body.replace('tkt_1', 'tkt_2'), { now: T0 })).toThrow(WebhookVerificationError);
  });

  it('the webhook-id is the event id (the same on every attempt) and the timestamp follows the mock clock', async () => {
    const r = await receiver(() => ({ status: 500 }));
    const clock = frozenClock();
    const s = sender({ clock });
    await s.send('ws_1/wh_1', hook(r.url), delivery());
    clock.advance(90_000);
    const second = await s.send('ws_1/wh_1', hook(r.url), delivery({ attempts: 1 }));
    expect(r.received.map((x) => x.headers['webhook-id'])).toEqual(['evt_abc', 'evt_abc']);
    expect(r.received.map((x) => Number(x.headers['webhook-timestamp']))).toEqual([Math.floor(T0 / 1000), Math.floor(T0 / 1000) + 90]);
    expect(second.attemptedAt).toBe(new Date(T0 + 90_000).toISOString());
    expect(verifyWebhook(SECRET, r.received[1]!.headers, r.received[1]!.body, { now: clock.now() })).toEqual(payload);
  });

  it('reports when it was attempted (mock clock) and how long it took', async () => {
    const r = await receiver();
    const result = await sender().send('ws_1/wh_1', hook(r.url), delivery());
    expect(result.attemptedAt).toBe(new Date(T0).toISOString());
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(result.durationMs)).toBe(true);
  });
});

describe('Sender: what an attempt comes to', () => {
  it.each([200, 201, 202, 204, 299])('%i is a success', async (status) => {
    const r = await receiver(() => ({ status }));
    await expect(sender().send('ws_1/wh_1', hook(r.url), delivery())).resolves.toMatchObject({ status, error: null });
  });

  it.each([400, 401, 404, 410, 429, 500, 502, 503])('%i is a failure with its status', async (status) => {
    const r = await receiver(() => ({ status }));
    const result = await sender().send('ws_1/wh_1', hook(r.url), delivery());
    expect(result).toMatchObject({ status, error: `The endpoint answered ${status}.` });
    expect(r.received).toHaveLength(1);
  });

  it('a redirect is a failure and is not followed', async () => {
    const target = await receiver();
    const { url } = await server((_req, res) => {
      res.writeHead(307, { location: target.url });
      res.end();
    });
    const result = await sender().send('ws_1/wh_1', hook(`${url}/hooks`), delivery());
    expect(result).toMatchObject({ status: 307, error: 'The endpoint answered 307; redirects are not followed.' });
    expect(target.received).toHaveLength(0);
  });

  it('a receiver that never answers hits the deadline and is a failure without a status', async () => {
    let arrived = 0;
    const { url } = await server(() => {
      arrived++;
    });
    const result = await sender({ timeoutMs: 50 }).send('ws_1/wh_1', hook(`${url}/hooks`), delivery());
    expect(result).toMatchObject({ status: null, error: 'No complete answer within 50 ms.' });
    expect(arrived).toBe(1);
  });

  it('the deadline holds for a receiver that answers its headers but never ends the body', async () => {
    const { url } = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('still going');
    });
    const result = await sender({ timeoutMs: 50 }).send('ws_1/wh_1', hook(`${url}/hooks`), delivery());
    expect(result).toMatchObject({ status: null, error: 'No complete answer within 50 ms.' });
  });

  it('a refused connection is a failure without a status', async () => {
    const refusing = await refusingUrl();
    cleanups.push(() => refusing.close());
    const result = await sender().send('ws_1/wh_1', hook(refusing.url), delivery());
    expect(result).toMatchObject({ status: null, error: 'Could not connect: ECONNREFUSED.' });
  });

  it('a URL that does not parse is a failure, not a throw', async () => {
    const result = await sender().send('ws_1/wh_1', hook('not a url'), delivery());
    expect(result.status).toBeNull();
    expect(result.error).toEqual(expect.any(String));
  });

  it('a hanging endpoint does not hold up another endpoint on the same origin', async () => {
    const { url, server: s } = await server((req, res) => {
      if (req.url === '/fast') res.end('ok');
    });
    const snd = sender();
    let slowDone = false;
    const slow = snd.send('ws_1/wh_slow', hook(`${url}/slow`), delivery()).then((r) => {
      slowDone = true;
      return r;
    });
    const fast = await snd.send('ws_1/wh_fast', hook(`${url}/fast`), delivery());
    expect(fast).toMatchObject({ status: 200, error: null });
    expect(slowDone).toBe(false);
    s.closeAllConnections();
    await expect(slow).resolves.toMatchObject({ status: null, error: expect.stringMatching(/^Could not (connect|read)/) });
  });
});

describe('Sender: never to this server itself', () => {
  const refusesSelf = async (url: (port: number) => string, own: (port: number) => Listener) => {
    const r = await receiver();
    const port = portOf(r.url);
    const result = await sender({ listener: () => own(port) }).send('ws_1/wh_1', hook(url(port)), delivery());
    expect(result).toMatchObject({ status: null, error: SELF });
    expect(r.received).toHaveLength(0);
  };

  it.each([
    ['127.0.0.1', (p: number) => `http://127.0.0.1:${p}/hooks`],
    ['localhost', (p: number) => `http://localhost:${p}/hooks`],
    ['LOCALHOST', (p: number) => `http://LOCALHOST:${p}/hooks`],
    ['0.0.0.0', (p: number) => `http://0.0.0.0:${p}/hooks`],
    ['[::ffff:127.0.0.1]', (p: number) => `http://[::ffff:127.0.0.1]:${p}/hooks`],
    ['[::1]', (p: number) => `http://[::1]:${p}/hooks`],
  ])("refuses %s on the listener's port without sending", async (_name, url) => {
    await refusesSelf(url, (port) => ({ host: '127.0.0.1', port }));
  });

  it('refuses its own port when it listens on every address', async () => {
    await refusesSelf(
      (p) => `http://127.0.0.1:${p}/hooks`,
      (port) => ({ host: '0.0.0.0', port }),
    );
  });

  it('refuses a host name that resolves to one of its own addresses, when it connects', async (ctx) => {
    const name = hostname();
    const found = await lookup(name, { all: true }).catch(() => []);
    if (name.includes('localhost') || !found.some((a) => a.address === '127.0.0.1')) ctx.skip();
    await refusesSelf(
      (p) => `http://${name}:${p}/hooks`,
      (port) => ({ host: '127.0.0.1', port }),
    );
  });

  it('sends to another port of the same host', async () => {
    const r = await receiver();
    const other = await receiver();
    const result = await sender({ listener: () => ({ host: '127.0.0.1', port: portOf(other.url) }) }).send('ws_1/wh_1', hook(r.url), delivery());
    expect(result).toMatchObject({ status: 200, error: null });
    expect(r.received).toHaveLength(1);
    expect(other.received).toHaveLength(0);
  });

  it('reads the listener at each attempt (it is known only once the server listens)', async () => {
    const r = await receiver();
    let own: Listener | undefined;
    const s = sender({ listener: () => own });
    await expect(s.send('ws_1/wh_1', hook(r.url), delivery())).resolves.toMatchObject({ status: 200, error: null });
    own = { host: '127.0.0.1', port: portOf(r.url) };
    await expect(s.send('ws_1/wh_1', hook(r.url), delivery())).resolves.toMatchObject({ status: null, error: SELF });
    expect(r.received).toHaveLength(1);
  });
});
