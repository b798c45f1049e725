import { describe, expect, it } from 'vitest';
import { harness } from '../helpers/harness.js';
import { assertMatchesSpec } from '../helpers/spec-check.js';

/** Sends a request outside the harness's own checks (which treat an unasked 5xx as a failure) and checks it against openapi.yaml. */
async function raw(h: Awaited<ReturnType<typeof harness>>, method: string, path: string, init: { body?: string; type?: string; key?: boolean } = {}) {
  const headers: Record<string, string> = {};
  if (init.key !== false) headers.authorization = 'Bearer sk_test_commflow';
  if (init.type) headers['content-type'] = init.type;
  const res = await h.app.request(path, { method, headers, ...(init.body === undefined ? {} : { body: init.body }) });
  const text = await res.text();
  const body = (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text;
  await assertMatchesSpec(method, path, res.status, res.status === 204 ? null : body);
  return { status: res.status, headers: res.headers, body };
}

describe('statuses a fault rule injects are documented', () => {
  it.each([502, 503, 504])('%i on /v1 reads and writes, and on every /oauth endpoint', async (status) => {
    const h = await harness();
    await h.call('POST', '/_mock/faults', { key: null, body: { status } });
    expect((await raw(h, 'GET', '/v1/tickets/ticket_123')).status).toBe(status);
    expect((await raw(h, 'POST', '/v1/tickets', { body: '{"subject":"x"}', type: 'application/json' })).status).toBe(status);
    expect((await raw(h, 'DELETE', '/v1/tickets/ticket_123')).status).toBe(status);
    const form = { type: 'application/x-www-form-urlencoded', key: false };
    expect((await raw(h, 'POST', '/oauth/token', { ...form, body: 'grant_type=client_credentials' })).status).toBe(status);
    expect((await raw(h, 'POST', '/oauth/revoke', { ...form, body: 'token=x' })).status).toBe(status);
    expect((await raw(h, 'POST', '/oauth/introspect', { ...form, body: 'token=x' })).status).toBe(status);
    expect((await raw(h, 'GET', '/oauth/authorize?response_type=code&client_id=commflow_client', { key: false })).status).toBe(status);
    expect((await raw(h, 'POST', '/oauth/authorize', { ...form, body: 'decision=approve' })).status).toBe(status);
  });

  it('an injected 400, 401, 422 or 429 on /oauth comes in the CommFlow envelope, which the spec allows beside RFC 6749 errors', async () => {
    const h = await harness();
    for (const status of [400, 401, 404, 422, 429]) {
      await h.call('DELETE', '/_mock/faults', { key: null });
      await h.call('POST', '/_mock/faults', { key: null, body: { path: '/oauth/*', status } });
      const res = await raw(h, 'POST', '/oauth/token', { type: 'application/x-www-form-urlencoded', key: false, body: 'grant_type=client_credentials' });
      expect(res.status).toBe(status);
      expect(res.body.error.type).toBeTypeOf('string');
    }
  });

  it('an injected 422 on a /v1 read is documented too', async () => {
    const h = await harness();
    await h.call('POST', '/_mock/faults', { key: null, body: { path: '/v1/me', status: 422 } });
    expect((await raw(h, 'GET', '/v1/me')).status).toBe(422);
  });
});

describe('rate-limit headers', () => {
  it('come on /v1 answers and never on /_mock or /oauth ones', async () => {
    const h = await harness({ rateLimit: true });
    const v1 = await raw(h, 'GET', '/v1/nope-not-here');
    const ok = await raw(h, 'GET', '/v1/me');
    expect(ok.headers.get('x-ratelimit-limit')).toBe('300');
    expect(v1.status).toBe(404);
    for (const [method, path] of [
      ['GET', '/_mock/health'],
      ['GET', '/_mock/faults'],
      ['GET', '/_mock/health?probe=1'],
    ] as const) {
      const res = await raw(h, method, path, { key: false });
      expect(res.headers.get('x-ratelimit-limit'), path).toBeNull();
    }
    const token = await raw(h, 'POST', '/oauth/token', { type: 'application/x-www-form-urlencoded', key: false, body: 'grant_type=client_credentials' });
    expect(token.status).toBe(401);
    expect(token.headers.get('x-ratelimit-limit')).toBeNull();
  });

  it('stay on /v1 under --no-rate-limit (SDKs parse them), which only stops the 429', async () => {
    const h = await harness({ rateLimit: false });
    const res = await raw(h, 'GET', '/v1/me');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ratelimit-limit')).toBe('300');
    expect(res.headers.get('x-ratelimit-remaining')).toBe('299');
  });

  it('/_mock/health rejects an unknown query parameter with the documented 400', async () => {
    const h = await harness();
    const res = await raw(h, 'GET', '/_mock/health?probe=1', { key: false });
    expect(res.status).toBe(400);
    expect(res.body.error.param).toBe('probe');
  });
});
