import { Hono } from 'hono';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { beforeEach, describe, expect, it } from 'vitest';
import { createClock } from '../../src/clock.js';
import type { AppEnv, Principal } from '../../src/context.js';
import { errors, renderError } from '../../src/errors.js';
import { journal } from '../../src/middleware/journal.js';
import { Journal, rawHeader } from '../../src/middleware/journal-log.js';
import { LIMITS } from '../../src/limits.js';

const NOW = '2026-07-01T12:00:00.000Z';
const clock = createClock();
clock.freeze(Date.parse(NOW));

const principal = (workspaceId: string): Principal => ({
  kind: 'api_key',
  credentialId: 'key_1',
  workspaceId,
  scopes: new Set(),
  plan: 'starter',
  mode: 'test',
});

describe('journal middleware', () => {
  let log: Journal;
  let app: Hono<AppEnv>;

  beforeEach(() => {
    log = new Journal({ entries: 100, bytes: 1 << 20 });
    app = new Hono<AppEnv>();
    app.onError((err, c) => renderError(err, c));
    app.use(journal(log, clock));
    // Stands in for the auth step: `x-test-workspace` says whose request it is.
    app.use(async (c, next) => {
      const ws = c.req.header('x-test-workspace');
      c.set('principal', ws ? principal(ws) : undefined);
      await next();
    });
    // Stands in for the body step: only a request with `x-test-read` has its body read.
    app.use(async (c, next) => {
      if (c.req.header('x-test-read') !== undefined) {
        await c.req.text();
        c.set('bodyRead', true);
      }
      await next();
    });
    app.get('/v1/tickets', (c) => c.json({ data: [] }));
    app.post('/v1/tickets', (c) => c.json({ data: {} }, 201));
    app.post('/oauth/token', (c) => c.json({ access_token: 'at_1' }));
    app.get('/v1/tickets/:id', (c) => {
      throw errors.notFound('ticket', c.req.param('id'));
    });
    app.get('/v1/crash', () => {
      throw new Error('boom');
    });
    app.get('/v1/throw-value', () => {
      // Not an Error: Hono does not hand it to onError, it propagates.
      throw 'not an error';
    });
  });

  const only = () => {
    const entries = log.list();
    expect(entries).toHaveLength(1);
    return entries[0]!;
  };

  it('records one entry per request with method, path, query, status, time and id', async () => {
    await app.request('/v1/tickets?status=open&tag=a&tag=b');
    const entry = only();
    expect(entry).toMatchObject({
      id: 'req_1',
      time: NOW,
      method: 'GET',
      path: '/v1/tickets',
      query: { status: 'open', tag: ['a', 'b'] },
      body: null,
      body_size: 0,
      body_truncated: false,
      status: 200,
      workspace_id: null,
    });
    expect(entry.duration_ms).toBeGreaterThanOrEqual(0);
    await app.request('/v1/tickets', { method: 'POST' });
    expect(log.list().map((e) => [e.id, e.method, e.status])).toEqual([
      ['req_2', 'POST', 201],
      ['req_1', 'GET', 200],
    ]);
  });

  it('takes the time from the mock clock, when the request arrived', async () => {
    const own = createClock();
    own.freeze(Date.parse('2030-01-02T03:04:05Z'));
    const other = new Hono<AppEnv>();
    other.use(journal(log, own));
    other.get('/v1/x', (c) => {
      own.advance(60_000); // time moving while the request is handled does not change its entry
      return c.text('ok');
    });
    await other.request('/v1/x');
    expect(only().time).toBe('2030-01-02T03:04:05.000Z');
  });

  it('records the workspace of the principal', async () => {
    await app.request('/v1/tickets', { headers: { 'x-test-workspace': 'ws_abc' } });
    await app.request('/v1/tickets');
    expect(log.list().map((e) => e.workspace_id)).toEqual([null, 'ws_abc']);
    expect(log.list({ workspace_id: 'ws_abc' })).toHaveLength(1);
  });

  it.each([
    ['an API error', '/v1/tickets/ticket_9', 404],
    ['an unexpected failure', '/v1/crash', 500],
  ])('records the status of %s as answered', async (_what, path, status) => {
    const res = await app.request(path);
    expect(res.status).toBe(status);
    expect(only()).toMatchObject({ path, status });
  });

  it('keeps why a request failed, not the thrown error (whose stack would hold the whole request)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    let thrown: WeakRef<Error> | undefined;
    const own = new Hono<AppEnv>();
    own.onError((err, c) => renderError(err, c));
    own.use(journal(log, clock));
    own.get('/v1/tickets/:id', (c) => {
      const err = errors.notFound('ticket', c.req.param('id'));
      thrown = new WeakRef(err);
      throw err;
    });
    expect((await own.request('/v1/tickets/ticket_9', { headers: { 'x-big': 'b'.repeat(100_000) } })).status).toBe(404);
    // A WeakRef holds its target until the turn that made it ends.
    await new Promise((r) => setImmediate(r));
    gc();
    expect(thrown?.deref(), 'the thrown error was collected').toBeUndefined();
    expect(only().error).toEqual({ type: 'not_found_error', code: 'resource_not_found', message: expect.stringContaining('ticket_9'), param: 'id' });
  });

  it('counts the headers of an in-process request in its byte budget', async () => {
    const small = new Journal({ entries: 100, bytes: 300_000 });
    const own = new Hono<AppEnv>();
    own.use(journal(small, clock));
    own.get('/v1/tickets', (c) => c.json({ data: [] }));
    for (let i = 0; i < 5; i++) await own.request('/v1/tickets', { headers: { 'x-big': 'b'.repeat(100_000) } });
    expect(small.size).toBe(2);
  });

  it('a request whose failure escapes the pipeline is still recorded (status -1)', async () => {
    await expect(app.request('/v1/throw-value')).rejects.toBe('not an error');
    expect(only()).toMatchObject({ path: '/v1/throw-value', status: -1 });
  });

  it('records the headers of an in-process request', async () => {
    await app.request('/v1/tickets', { headers: { 'x-request-id': 'abc-123', accept: 'application/json' } });
    expect(only().headers).toMatchObject({ 'x-request-id': 'abc-123', accept: 'application/json' });
  });

  it("prefers Node's raw header list when the server gives one, with names lower-cased", async () => {
    const incoming = { rawHeaders: ['X-Request-Id', 'from-socket', 'Authorization', 'Bearer sk_test_commflow'] };
    await app.request('/v1/tickets', { headers: { 'x-request-id': 'from-request' } }, { incoming });
    expect(only().headers).toEqual({ 'x-request-id': 'from-socket', authorization: 'Bearer sk_test_comm…' });
  });

  describe('redaction (credentials are cut to a prefix when the journal is read)', () => {
    it('Authorization keeps its scheme and a prefix of the credential', async () => {
      await app.request('/v1/tickets', { headers: { authorization: 'Bearer sk_live_abcdefghijklmnop' } });
      const shown = only().headers.authorization;
      expect(shown).toBe('Bearer sk_live_abcd…');
      expect(JSON.stringify(log.list())).not.toContain('efghijklmnop');
    });

    it('cookies and Proxy-Authorization are cut to at most a third', async () => {
      const cookie = 'session=abcdefghijklmnopqrstuvwxyz';
      const proxy = 'Basic dXNlcjpwYXNzd29yZDEyMzQ1Njc4';
      await app.request('/v1/tickets', { headers: { cookie, 'proxy-authorization': proxy } });
      const { headers } = only();
      for (const [name, value] of [
        ['cookie', cookie],
        ['proxy-authorization', proxy],
      ] as const) {
        expect(headers[name]).toMatch(/…$/);
        expect(headers[name]!.length - 1).toBeLessThanOrEqual(Math.floor(value.length / 3));
        expect(value.startsWith(headers[name]!.slice(0, -1))).toBe(true);
      }
    });

    it('secret query parameters are cut, others kept', async () => {
      await app.request('/v1/tickets?token=abcdefghijklmnop&access_token=sk_test_zzzzzzzzzzzzzzzzzzzz&status=open');
      const { query } = only();
      expect(query.status).toBe('open');
      expect(query.token).toBe('abcd…');
      expect(query.access_token).toBe('sk_test_z…');
      expect(JSON.stringify(query)).not.toContain('ijklmnop');
      expect(JSON.stringify(query)).not.toContain('zzzzzzzzzzzz');
    });

    it('secret fields of a JSON body are cut at any depth; the rest of the body is kept', async () => {
      const body = { subject: 'Hello', password: 'hunter2hunter2', nested: [{ client_secret: 'cs_abcdefghijklmnop', n: 1 }] };
      await app.request('/oauth/token', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-test-read': '' },
        body: JSON.stringify(body),
      });
      const entry = only();
      expect(entry.body).toEqual({ subject: 'Hello', password: 'hunt…', nested: [{ client_secret: 'cs_abc…', n: 1 }] });
      expect(entry.body_size).toBe(JSON.stringify(body).length);
    });

    it('secret fields of a form body are cut', async () => {
      const form = 'grant_type=authorization_code&code=abcdefghijklmnop&code_verifier=0123456789abcdef0123&redirect_uri=x';
      await app.request('/oauth/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-test-read': '' },
        body: form,
      });
      const body = only().body as string;
      expect(body).toBe('grant_type=authorization_code&code=abcd…&code_verifier=0123…&redirect_uri=x');
    });
  });

  describe('bodies', () => {
    const post = (body: string, headers: Record<string, string> = {}) =>
      app.request('/v1/tickets', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

    it('a body the pipeline read is shown, parsed when it is JSON', async () => {
      await post('{"subject":"Printer on fire"}', { 'x-test-read': '' });
      expect(only()).toMatchObject({ body: { subject: 'Printer on fire' }, body_size: 29, body_truncated: false });
    });

    it('a body nobody read is not shown; its size is what Content-Length declared', async () => {
      await post('{"subject":"never read"}', { 'content-length': '24' });
      expect(only()).toMatchObject({ body: null, body_size: 24, body_truncated: false });
    });

    it('a body nobody read with a nonsense Content-Length has size 0', async () => {
      await app.request('/v1/tickets', { method: 'POST', headers: { 'content-length': '12abc' }, body: 'x' });
      expect(only()).toMatchObject({ body: null, body_size: 0 });
    });

    it('an empty body that was read is no body', async () => {
      await post('', { 'x-test-read': '' });
      expect(only()).toMatchObject({ body: null, body_size: 0, body_truncated: false });
    });

    it('the size is counted in bytes, not characters', async () => {
      await post('{"subject":"€€"}', { 'x-test-read': '' });
      expect(only()).toMatchObject({ body: { subject: '€€' }, body_size: Buffer.byteLength('{"subject":"€€"}') });
    });

    it('a body at the limit is kept whole', async () => {
      const text = `"${'a'.repeat(LIMITS.journalBodyBytes - 2)}"`;
      await post(text, { 'x-test-read': '' });
      expect(only()).toMatchObject({ body: text, body_size: LIMITS.journalBodyBytes, body_truncated: false });
    });

    it('a longer body keeps only its first bytes, as text with secrets still cut, and says so', async () => {
      const text = JSON.stringify({ password: 'hunter2hunter2', filler: 'x'.repeat(LIMITS.journalBodyBytes * 2) });
      await post(text, { 'x-test-read': '' });
      const entry = only();
      expect(entry.body_truncated).toBe(true);
      expect(entry.body_size).toBe(text.length);
      expect(typeof entry.body).toBe('string');
      const kept = entry.body as string;
      expect(kept.length).toBeLessThanOrEqual(LIMITS.journalBodyBytes);
      expect(kept.startsWith('{"password":"hunt…","filler":"xxx')).toBe(true);
      expect(kept).not.toContain('hunter2');
    });

    // README, LIMITS.journalBodyBytes and openapi.yaml's body_truncated all say bytes, not characters.
    it('a body over 8 KiB in multi-byte characters is cut to 8 KiB, at a character boundary, and marked', async () => {
      const text = JSON.stringify({ subject: '€'.repeat(5000) });
      expect(Buffer.byteLength(text)).toBeGreaterThan(LIMITS.journalBodyBytes);
      await post(text, { 'x-test-read': '' });
      const entry = only();
      expect(entry.body_size).toBe(Buffer.byteLength(text));
      expect(entry.body_truncated).toBe(true);
      const kept = String(entry.body);
      expect(Buffer.byteLength(kept)).toBeLessThanOrEqual(LIMITS.journalBodyBytes);
      expect(Buffer.byteLength(kept)).toBeGreaterThan(LIMITS.journalBodyBytes - 3);
      expect(text.startsWith(kept)).toBe(true);
    });
  });
});

describe('what graders read from the journal', () => {
  const entry = (workspace: string | null, status = 200) => ({
    method: 'GET',
    url: 'http://127.0.0.1/v1/me',
    headers: { Authorization: 'Bearer sk_test_commflow' },
    body: null,
    bodySize: 0,
    bodyTruncated: false,
    at: 0,
    status,
    duration: 1,
    workspace,
  });

  it('numbers entries: since(n) yields the newer ones of a workspace, oldest first, as captured', () => {
    const log = new Journal({ entries: 3, bytes: 1 << 20 });
    expect([log.lastSeq, log.evictedThrough]).toEqual([0, 0]);
    log.record(entry('ws_a'));
    log.record(entry('ws_b'));
    log.record(entry('ws_a', 404));
    expect(log.lastSeq).toBe(3);
    expect([...log.since(1, 'ws_a')].map((r) => [r.seq, r.status])).toEqual([[3, 404]]);
    expect([...log.since(0)].map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(rawHeader([...log.since(0)][0]!, 'authorization')).toBe('Bearer sk_test_commflow');
  });

  it('says up to which entry some may be gone: dropped for room, or cleared with the whole journal', () => {
    const log = new Journal({ entries: 2, bytes: 1 << 20 });
    for (let i = 0; i < 3; i++) log.record(entry('ws_a'));
    expect(log.evictedThrough).toBe(1);
    log.clear('ws_b');
    expect(log.evictedThrough).toBe(1);
    log.clear();
    expect(log.evictedThrough).toBe(3);
  });

  it('the middleware notes when a request arrived in real time, and the fault rule that answered it', async () => {
    const log = new Journal({ entries: 10, bytes: 1 << 20 });
    const app = new Hono<AppEnv>();
    app.onError((err, c) => renderError(err, c));
    app.use(journal(log, clock));
    app.get('/v1/me', (c) => {
      c.set('fault', 'flt_7');
      return c.json({});
    });
    const before = performance.now();
    await app.request('/v1/me');
    const [raw] = [...log.since(0)];
    expect(raw!.fault).toBe('flt_7');
    expect(raw!.started).toBeGreaterThanOrEqual(before);
    expect(raw!.started).toBeLessThanOrEqual(performance.now());
  });
});
