import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/limits.js';
import { harness, type Harness } from '../helpers/harness.js';
import { pendingDelivery } from '../helpers/records.js';

const REDIRECT = 'http://127.0.0.1:8765/cb';
const form = { 'content-type': 'application/x-www-form-urlencoded' };
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

async function token(h: Harness, params: Record<string, string>, client = { id: 'commflow_client', secret: 'commflow_secret' }) {
  return h.call('POST', '/oauth/token', {
    key: null,
    headers: { ...form, authorization: basic(client.id, client.secret) },
    body: new URLSearchParams(params).toString(),
  });
}

async function code(h: Harness, extra = '') {
  const res = await h.get(`/oauth/authorize?response_type=code&client_id=commflow_client&redirect_uri=${REDIRECT}&state=s${extra}`, { key: null });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!).searchParams.get('code')!;
}

async function secondClient(h: Harness) {
  const c = await h.call('POST', '/_mock/oauth-clients', { key: null, body: { redirect_uris: [REDIRECT] } });
  return { id: c.body.data.client_id as string, secret: c.body.data.client_secret as string };
}

describe('restores are checked, then exact', () => {
  it.each([
    [
      'a ticket status of 42',
      (s: any) => (s.workspaces.ws_456.collections.tickets.ticket_123.status = 42),
      'workspaces.ws_456.collections.tickets.ticket_123.status',
    ],
    [
      'a delivery history of null',
      (s: any, hook: string) => {
        s.workspaces.ws_456.collections.deliveries.dlv_x = pendingDelivery('dlv_x', hook, { history: null });
      },
      'workspaces.ws_456.collections.deliveries.dlv_x.history',
    ],
    [
      'an unknown field on a contact',
      (s: any) => (s.workspaces.ws_456.collections.contacts.contact_123.vip = true),
      'workspaces.ws_456.collections.contacts.contact_123.vip',
    ],
    ['a webhook without its secret', (s: any, hook: string) => delete s.workspaces.ws_456.collections.webhooks[hook].secret, null],
  ])('%s is a 422 with the path, and nothing changes', async (_name, spoil, param) => {
    const h = await harness();
    const hook = (await h.call('POST', '/v1/webhooks', { body: { url: 'http://127.0.0.1:9/h', events: ['*'] } })).body.data.id;
    const before = (await h.get('/_mock/state', { key: null })).text;
    const state = JSON.parse(before);
    spoil(state, hook);
    const res = await h.call('PUT', '/_mock/state', { key: null, body: state });
    expect(res.status).toBe(422);
    if (param) expect(res.body.error.param).toBe(param);
    expect((await h.get('/_mock/state', { key: null })).text).toBe(before);
  });
});

describe('CORS is for the CommFlow API, not the control plane', () => {
  it('answers browsers on /v1 and /oauth, never on /_mock', async () => {
    const h = await harness();
    const origin = { origin: 'https://evil.example' };
    expect((await h.get('/v1/me', { headers: origin })).headers.get('access-control-allow-origin')).toBe('*');
    const preflight = await h.app.request('/v1/tickets', { method: 'OPTIONS', headers: { ...origin, 'access-control-request-method': 'POST' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(
      (await h.app.request('/oauth/token', { method: 'OPTIONS', headers: { ...origin, 'access-control-request-method': 'POST' } })).headers.get(
        'access-control-allow-origin',
      ),
    ).toBe('*');
    for (const path of ['/_mock/state', '/_mock/api-keys', '/_mock/requests', '/_mock/health']) {
      expect((await h.get(path, { key: null, headers: origin })).headers.get('access-control-allow-origin'), path).toBeNull();
    }
    const mockPreflight = await h.app.request('/_mock/reset', { method: 'OPTIONS', headers: { ...origin, 'access-control-request-method': 'POST' } });
    expect(mockPreflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses the "simple" requests a web page can send without asking (form posts, text/plain)', async () => {
    const h = await harness();
    await h.call('DELETE', '/v1/tickets/ticket_123');
    const pages: Record<string, string>[] = [
      { origin: 'https://evil.example', 'content-type': 'text/plain' },
      { origin: 'null', 'content-type': 'application/x-www-form-urlencoded' },
      { 'sec-fetch-site': 'cross-site' },
    ];
    for (const headers of pages) {
      const res = await h.call('POST', '/_mock/reset', { key: null, headers, body: '' });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('cross_origin_refused');
    }
    expect((await h.get('/v1/tickets/ticket_123')).status).toBe(404);
    // The bundled /docs is same-origin: its requests pass.
    const same = await h.call('POST', '/_mock/reset', {
      key: null,
      headers: { origin: 'http://localhost', host: 'localhost', 'sec-fetch-site': 'same-origin' },
    });
    expect(same.status).toBe(200);
    expect((await h.get('/v1/tickets/ticket_123')).status).toBe(200);
  });
});

describe('the journal keeps no secrets', () => {
  it('cuts credentials in form bodies, JSON bodies and queries', async () => {
    const h = await harness();
    const c = await code(h);
    await h.call('POST', '/oauth/token', {
      key: null,
      headers: form,
      body: `grant_type=authorization_code&code=${c}&redirect_uri=${REDIRECT}&client_id=commflow_client&client_secret=commflow_secret&code_verifier=verifier-verifier-verifier`,
    });
    await h.call('POST', '/oauth/revoke', {
      key: null,
      body: { token: 'cfrt_abcdefghijklmnopqrstuvwxyz', client_id: 'commflow_client', client_secret: 'commflow_secret' },
    });
    const text = (await h.get('/_mock/requests', { key: null })).text;
    for (const secret of ['commflow_secret', c, 'verifier-verifier-verifier', 'cfrt_abcdefghijklmnopqrstuvwxyz']) expect(text).not.toContain(secret);
    expect(text).toContain('commf…');
  });

  it('also in bodies cut at 8 KiB, bodies too deep to parse, and text that is not JSON', async () => {
    const h = await harness();
    const pad = 'p'.repeat(10_000);
    const secret = 'password-that-must-not-show';
    await h.call('POST', '/oauth/token', { key: null, headers: form, body: `grant_type=password&password=${secret}&pad=${pad}` });
    await h.call('POST', '/v1/contacts', { body: `{"email":"a@example.com","password":"${secret}","pad":"${pad}"}` });
    await h.call('POST', '/v1/contacts', { body: `{"password":"${secret}","deep":${'['.repeat(100)}${']'.repeat(100)}}` });
    await h.call('POST', '/v1/contacts', { headers: { 'content-type': 'text/plain' }, body: `token=${secret}` });
    const entries = (await h.get('/_mock/requests', { key: null })).body.data;
    expect(entries.filter((e: { body_truncated: boolean }) => e.body_truncated)).toHaveLength(2);
    expect(JSON.stringify(entries)).not.toContain(secret);
  });
});

describe('OAuth as the RFCs say', () => {
  it("revocation only for the caller's tokens (RFC 7009 §2.1); introspection likewise (RFC 7662 §2.2)", async () => {
    const h = await harness();
    const t = (await token(h, { grant_type: 'client_credentials' })).body.access_token;
    const other = await secondClient(h);
    const refused = await h.call('POST', '/oauth/revoke', {
      key: null,
      headers: { ...form, authorization: basic(other.id, other.secret) },
      body: `token=${t}`,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_grant');
    const peek = await h.call('POST', '/oauth/introspect', {
      key: null,
      headers: { ...form, authorization: basic(other.id, other.secret) },
      body: `token=${t}`,
    });
    expect(peek.body).toEqual({ active: false });
    expect((await h.get('/v1/me', { key: t })).status).toBe(200);
    const own = await h.call('POST', '/oauth/introspect', {
      key: null,
      headers: { ...form, authorization: basic('commflow_client', 'commflow_secret') },
      body: `token=${t}`,
    });
    expect(own.body.active).toBe(true);
  });

  it('a reused code revokes everything derived from it, refreshed tokens included', async () => {
    const h = await harness();
    const c = await code(h);
    const first = await token(h, { grant_type: 'authorization_code', code: c, redirect_uri: REDIRECT });
    const refreshed = await token(h, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token });
    expect((await h.get('/v1/me', { key: refreshed.body.access_token })).status).toBe(200);
    expect((await token(h, { grant_type: 'authorization_code', code: c, redirect_uri: REDIRECT })).body.error).toBe('invalid_grant');
    expect((await h.get('/v1/me', { key: refreshed.body.access_token })).body.error.code).toBe('token_revoked');
    expect((await token(h, { grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token })).body.error).toBe('invalid_grant');
  });

  it('PKCE: a verifier without a challenge is a downgrade; a challenge without a method means plain, refused', async () => {
    const h = await harness();
    const c = await code(h);
    const downgrade = await token(h, { grant_type: 'authorization_code', code: c, redirect_uri: REDIRECT, code_verifier: 'x'.repeat(43) });
    expect(downgrade.body).toMatchObject({ error: 'invalid_grant' });
    expect(downgrade.body.error_description).toContain('PKCE downgrade');
    const challenge = createHash('sha256').update('y'.repeat(43)).digest('base64url');
    const plain = await h.get(`/oauth/authorize?response_type=code&client_id=commflow_client&redirect_uri=${REDIRECT}&code_challenge=${challenge}`, {
      key: null,
    });
    const back = new URL(plain.headers.get('location')!);
    expect(back.searchParams.get('error')).toBe('invalid_request');
    expect(back.searchParams.get('error_description')).toContain('plain');
  });

  it('refresh tokens expire after 30 days on the mock clock', async () => {
    const h = await harness();
    const t = await token(h, { grant_type: 'authorization_code', code: await code(h), redirect_uri: REDIRECT });
    h.clock.advance(30 * 24 * 3600_000);
    const late = await token(h, { grant_type: 'refresh_token', refresh_token: t.body.refresh_token });
    expect(late.body).toMatchObject({ error: 'invalid_grant', error_description: 'The refresh token has expired.' });
  });

  it("an authenticated client's failures are throttled (429 slow_down with Retry-After); nobody else can lock it out", async () => {
    const h = await harness();
    for (let i = 0; i < 100; i++) {
      expect((await token(h, { grant_type: 'client_credentials' }, { id: 'commflow_client', secret: `wrong${i}` })).status).toBe(401);
    }
    expect((await token(h, { grant_type: 'client_credentials' })).status).toBe(200);
    for (let i = 0; i < LIMITS.oauthFailuresPerMinute; i++) {
      expect((await token(h, { grant_type: 'authorization_code', code: `cfac_guess${i}`, redirect_uri: REDIRECT })).status).toBe(400);
    }
    const throttled = await token(h, { grant_type: 'client_credentials' });
    expect(throttled.status).toBe(429);
    expect(throttled.body.error).toBe('slow_down');
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    const other = await secondClient(h);
    expect((await token(h, { grant_type: 'client_credentials' }, other)).status).toBe(200);
    h.clock.advance(60_000);
    expect((await token(h, { grant_type: 'client_credentials' })).status).toBe(200);
  });

  it('a public client, named by its id alone, is never throttled by failures others can cause', async () => {
    const h = await harness();
    const c = await h.call('POST', '/_mock/oauth-clients', { key: null, body: { redirect_uris: [REDIRECT], public: true } });
    const id = c.body.data.client_id as string;
    for (let i = 0; i <= LIMITS.oauthFailuresPerMinute; i++) {
      const guess = await h.call('POST', '/oauth/token', {
        key: null,
        headers: form,
        body: `grant_type=authorization_code&client_id=${id}&code=bogus${i}&redirect_uri=${REDIRECT}`,
      });
      expect(guess.status).toBe(400);
    }
  });

  it('clients of a deleted workspace issue nothing, and their tokens stop working', async () => {
    const h = await harness();
    const ws = (await h.call('POST', '/_mock/workspaces', { key: null, body: {} })).body.data;
    const c = await h.call('POST', '/_mock/oauth-clients', { key: null, body: { redirect_uris: [REDIRECT], workspace_id: ws.workspace.id } });
    const client = { id: c.body.data.client_id, secret: c.body.data.client_secret };
    const t = (await token(h, { grant_type: 'client_credentials' }, client)).body.access_token;
    expect((await h.get('/v1/me', { key: t })).body.data.workspace.id).toBe(ws.workspace.id);
    expect((await h.call('DELETE', `/_mock/workspaces/${ws.workspace.id}`, { key: null })).status).toBe(204);
    expect((await token(h, { grant_type: 'client_credentials' }, client)).body.error).toBe('invalid_client');
    expect((await h.get('/v1/me', { key: t })).status).toBe(401);
  });

  it('minting many tokens does not multiply the rate limit', async () => {
    const h = await harness({ rateLimit: true, plan: 'starter' });
    const tokens = [];
    for (let i = 0; i < 5; i++) tokens.push((await token(h, { grant_type: 'client_credentials' })).body.access_token as string);
    const statuses = [];
    for (let i = 0; i < 70; i++) statuses.push((await h.get('/v1/me', { key: tokens[i % tokens.length] })).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(60);
  });
});
