import { afterEach, describe, expect, it } from 'vitest';
import { harness, type Harness } from '../helpers/harness.js';
import { sseReader } from '../helpers/sse.js';

/** The journal as the inspector reads it: one entry whole, responses while watched, replays. */

const streams: ReturnType<typeof sseReader>[] = [];
afterEach(async () => {
  await Promise.all(streams.splice(0).map((s) => s.cancel()));
});

/** Opens GET /_mock/stream in-process (as the inspector does) and waits for its ready event. */
async function watch(h: Harness, query = '') {
  const res = await h.app.request(`/_mock/stream${query}`);
  expect(res.status).toBe(200);
  const s = sseReader(res);
  streams.push(s);
  await s.until(() => s.of('ready').length === 1);
  return s;
}

const newest = async (h: Harness) => (await h.get('/_mock/requests?limit=1', { key: null })).body.data[0];

describe('GET /_mock/requests/{id}', () => {
  it('answers one entry as the list shows it; 404 for ids it never gave or has dropped', async () => {
    const h = await harness({ journalSize: 3 });
    await h.get('/v1/me');
    const listed = await newest(h);
    const one = await h.get(`/_mock/requests/${listed.id}`, { key: null });
    expect(one.status).toBe(200);
    expect(one.body.data).toEqual(listed);
    expect(one.body.data).toMatchObject({
      credential_id: 'key_default_test',
      error: null,
      fault_id: null,
      prefer_applied: null,
      replay_of: null,
      response: null,
    });
    for (let i = 0; i < 3; i++) await h.get('/v1/me');
    for (const id of [listed.id, 'req_0', 'req_999', '__proto__', 'toString', 'constructor', 'req_1e3', 'req_-1', 'req_99999999999999999999', 'REQ_2']) {
      const res = await h.get(`/_mock/requests/${encodeURIComponent(id)}`, { key: null });
      expect(res.status, id).toBe(404);
      expect(res.body.error.message).toContain(id);
    }
  });

  it('names the error a request was answered with (a validation error names its field), the fault rule and the Prefer that applied', async () => {
    const h = await harness();
    await h.call('POST', '/v1/contacts', { body: { name: 'No email' } });
    expect((await newest(h)).error).toEqual({
      type: 'invalid_request_error',
      code: 'missing_parameter',
      message: "The 'email' field is required.",
      param: 'email',
    });
    await h.get('/v1/me', { key: 'sk_test_nope' });
    expect((await newest(h)).error).toMatchObject({ type: 'authentication_error', code: 'invalid_api_key' });
    const fault = (await h.call('POST', '/_mock/faults', { key: null, body: { path: '/v1/tickets', status: 503 } })).body.data;
    expect((await h.app.request('/v1/tickets', { headers: { authorization: 'Bearer sk_test_commflow' } })).status).toBe(503);
    expect(await newest(h)).toMatchObject({
      status: 503,
      fault_id: fault.id,
      error: { code: 'service_unavailable', message: `Injected by fault rule ${fault.id}.` },
    });
    await h.call('DELETE', '/_mock/faults', { key: null });
    await h.get('/v1/me', { headers: { prefer: 'code=429, latency=0' } });
    expect(await newest(h)).toMatchObject({ status: 429, prefer_applied: 'code=429, latency=0' });
  });

  it('keeps responses only while someone watches: nothing extra when the inspector is closed', async () => {
    const h = await harness();
    await h.get('/v1/tickets/ticket_123');
    expect((await newest(h)).response).toBeNull();
    await watch(h);
    await h.get('/v1/tickets/ticket_123');
    const entry = await newest(h);
    expect(entry.response).toMatchObject({ status: 200, body_truncated: false, body: { data: { id: 'ticket_123', subject: 'Need help with billing' } } });
    expect(entry.response.headers).toMatchObject({ 'content-type': 'application/json', 'x-ratelimit-limit': '300' });
    expect(entry.response.body_size).toBeGreaterThan(50);
    await Promise.all(streams.splice(0).map((s) => s.cancel()));
    expect(h.deps.feed.active).toBe(false);
    await h.get('/v1/tickets/ticket_123');
    expect((await newest(h)).response).toBeNull();
  });

  it('cuts credentials in responses as in requests, but shows error codes (a `code` is a secret only in a request)', async () => {
    const h = await harness();
    await watch(h);
    await h.call('POST', '/v1/webhooks', { body: { url: 'https://example.com/hooks', events: ['ticket.created'] } });
    const created = await newest(h);
    expect(created.response.body.data.secret).toMatch(/^whsec_.{0,6}…$/);
    await h.call('POST', '/v1/contacts', { body: {} });
    expect((await newest(h)).response.body.error).toMatchObject({ code: 'missing_parameter', param: 'email' });
    const token = await h.call('POST', '/oauth/token', {
      key: null,
      body: 'grant_type=client_credentials&client_id=commflow_client&client_secret=commflow_secret',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(token.status).toBe(200);
    const entry = await newest(h);
    expect(entry.body).toMatch(/client_secret=comm\w?…(&|$)/);
    expect(entry.response.body.access_token).toMatch(/^cfat_.{0,6}…$/);
    expect(JSON.stringify(entry)).not.toContain(token.body.access_token);
  });

  it('keeps only the first 8 KiB of a long response, and says how long it was', async () => {
    const h = await harness();
    await watch(h);
    await h.get('/v1/tickets?per_page=100');
    const { response } = await newest(h);
    expect(response.body_truncated).toBe(true);
    expect(response.body_size).toBeGreaterThan(8 * 1024);
    expect(typeof response.body).toBe('string');
    expect(Buffer.byteLength(response.body)).toBeLessThanOrEqual(8 * 1024);
  });
});

describe('POST /_mock/requests/{id}/replay', () => {
  it('sends the request again with the same key, through the whole pipeline, and answers both exchanges', async () => {
    const h = await harness();
    const first = await h.call('POST', '/v1/tickets', { body: { subject: 'Replay me', priority: 'high' }, headers: { 'x-trace': 'abc' } });
    expect(first.status).toBe(201);
    const original = await newest(h);
    const res = await h.call('POST', `/_mock/requests/${original.id}/replay`, { key: null });
    expect(res.status).toBe(200);
    const { original: before, replay } = res.body.data;
    expect(before).toEqual(original);
    expect(replay).toMatchObject({
      method: 'POST',
      path: '/v1/tickets',
      status: 201,
      credential_id: 'key_default_test',
      replay_of: original.id,
      body: { subject: 'Replay me', priority: 'high' },
    });
    expect(replay.headers).toMatchObject({ authorization: 'Bearer sk_test_comm…', 'x-trace': 'abc' });
    // The replay's response is kept though nobody watches: it is what the page shows beside the original.
    expect(replay.response.body.data).toMatchObject({ subject: 'Replay me', id: expect.stringMatching(/^ticket_/) });
    expect(replay.response.body.data.id).not.toBe(first.body.data.id);
    expect((await newest(h)).id).toBe(replay.id);
    const tickets = await h.get('/v1/tickets?q=Replay');
    expect(tickets.body.meta.total_count).toBe(2);
  });

  it('answers what the request gets now: a revoked key is a 401, a fault rule applies', async () => {
    const h = await harness();
    const key = (await h.call('POST', '/_mock/api-keys', { key: null, body: { scopes: ['read:tickets'] } })).body.data;
    await h.get('/v1/tickets/ticket_123', { key: key.key });
    const original = await newest(h);
    await h.call('DELETE', `/_mock/api-keys/${key.id}`, { key: null });
    const revoked = await h.call('POST', `/_mock/requests/${original.id}/replay`, { key: null });
    expect(revoked.body.data.replay).toMatchObject({ status: 401, error: { code: 'api_key_revoked' } });
    await h.get('/v1/me');
    const me = await newest(h);
    await h.call('POST', '/_mock/faults', { key: null, body: { path: '/v1/me', status: 502, count: 1 } });
    const faulted = await h.call('POST', `/_mock/requests/${me.id}/replay`, { key: null });
    expect(faulted.body.data.replay).toMatchObject({ status: 502, fault_id: expect.stringMatching(/^flt_/) });
  });

  it('refuses a request whose body was cut or never read (422 replay_impossible), and an unknown id (404)', async () => {
    const h = await harness();
    await h.call('POST', '/v1/tickets', { body: { subject: 'x'.repeat(10_000) } });
    const long = await newest(h);
    expect(long.body_truncated).toBe(true);
    const cut = await h.call('POST', `/_mock/requests/${long.id}/replay`, { key: null });
    expect(cut.status, cut.text).toBe(422);
    expect(cut.body.error).toMatchObject({ code: 'replay_impossible', param: 'id' });
    expect(cut.body.error.message).toContain('8 KiB');
    await h.call('POST', '/v1/tickets', { key: null, body: { subject: 'no key' }, headers: { 'content-length': '21' } });
    const unread = await newest(h);
    expect(unread.status).toBe(401);
    const never = await h.call('POST', `/_mock/requests/${unread.id}/replay`, { key: null });
    expect(never.status).toBe(422);
    expect(never.body.error.message).toContain('never read');
    for (const id of ['req_424242', '__proto__']) expect((await h.call('POST', `/_mock/requests/${id}/replay`, { key: null })).status).toBe(404);
  });
});
