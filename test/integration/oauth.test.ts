import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { harness, type Harness } from '../helpers/harness.js';

const REDIRECT = 'http://127.0.0.1:8765/callback';
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const DEFAULT_AUTH = basic('commflow_client', 'commflow_secret');
const form = (p: Record<string, string>) => new URLSearchParams(p).toString();

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

async function authorize(h: Harness, q: Record<string, string>) {
  const res = await h.call('GET', `/oauth/authorize?${form({ response_type: 'code', client_id: 'commflow_client', redirect_uri: REDIRECT, ...q })}`, {
    key: null,
  });
  return { res, location: res.headers.get('location') ? new URL(res.headers.get('location')!) : undefined };
}

async function token(h: Harness, p: Record<string, string>, auth: string | null = DEFAULT_AUTH) {
  return h.call('POST', '/oauth/token', {
    key: null,
    body: form(p),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(auth ? { authorization: auth } : {}) },
  });
}

async function codeFor(h: Harness, scope = 'read:tickets write:tickets', extra: Record<string, string> = {}) {
  const { location } = await authorize(h, { scope, state: 'xyz', ...extra });
  expect(location!.searchParams.get('state')).toBe('xyz');
  return location!.searchParams.get('code')!;
}

describe('OAuth 2.0', () => {
  it('authorization code + PKCE → token → /v1 with exactly the granted scopes', async () => {
    const h = await harness();
    const { verifier, challenge } = pkce();
    const { res, location } = await authorize(h, { scope: 'read:tickets', state: 's1', code_challenge: challenge, code_challenge_method: 'S256' });
    expect(res.status).toBe(302);
    expect(`${location!.origin}${location!.pathname}`).toBe(REDIRECT);
    const code = location!.searchParams.get('code')!;
    const t = await token(h, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier });
    expect(t.status).toBe(200);
    expect(t.headers.get('cache-control')).toBe('no-store');
    expect(t.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'read:tickets' });
    expect(t.body.refresh_token).toMatch(/^cfrt_/);
    const access = t.body.access_token;
    expect((await h.get('/v1/tickets', { key: access })).status).toBe(200);
    expect((await h.get('/v1/me', { key: access })).body.data.id).toBe('user_123');
    const denied = await h.call('POST', '/v1/tickets', { key: access, body: { subject: 'x' } });
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toBe("This request needs the 'write:tickets' scope, which the access token does not have.");
  });

  it('a code works once; reusing it fails and revokes what it issued', async () => {
    const h = await harness();
    const code = await codeFor(h);
    const first = await token(h, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    expect(first.status).toBe(200);
    const again = await token(h, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
    const after = await h.get('/v1/tickets', { key: first.body.access_token });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('token_revoked');
  });

  it('PKCE failures and a different redirect_uri are invalid_grant', async () => {
    const h = await harness();
    const { challenge } = pkce();
    const code = await codeFor(h, 'read:tickets', { code_challenge: challenge, code_challenge_method: 'S256' });
    expect((await token(h, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT })).body.error).toBe('invalid_grant');
    const code2 = await codeFor(h, 'read:tickets', { code_challenge: challenge, code_challenge_method: 'S256' });
    const wrong = await token(h, { grant_type: 'authorization_code', code: code2, redirect_uri: REDIRECT, code_verifier: pkce().verifier });
    expect(wrong.body).toMatchObject({ error: 'invalid_grant', error_description: expect.stringContaining('code_verifier') });
    const code3 = await codeFor(h);
    const redirect = await token(h, { grant_type: 'authorization_code', code: code3, redirect_uri: 'http://127.0.0.1:8765/other' });
    expect(redirect.body).toMatchObject({ error: 'invalid_grant', error_description: expect.stringContaining('redirect_uri') });
  });

  it('refresh rotates the refresh token; replaying the old one revokes the whole family (RFC 9700 §4.14.2)', async () => {
    const h = await harness();
    const t = await token(h, { grant_type: 'authorization_code', code: await codeFor(h), redirect_uri: REDIRECT });
    const r1 = await token(h, { grant_type: 'refresh_token', refresh_token: t.body.refresh_token });
    expect(r1.status).toBe(200);
    expect(r1.body.refresh_token).not.toBe(t.body.refresh_token);
    expect((await h.get('/v1/tickets', { key: r1.body.access_token })).status).toBe(200);
    const narrower = await token(h, { grant_type: 'refresh_token', refresh_token: r1.body.refresh_token, scope: 'read:tickets' });
    expect(narrower.body.scope).toBe('read:tickets');
    expect((await token(h, { grant_type: 'refresh_token', refresh_token: t.body.refresh_token })).body.error).toBe('invalid_grant');
    expect((await h.get('/v1/tickets', { key: narrower.body.access_token })).body.error.code).toBe('token_revoked');
    expect((await token(h, { grant_type: 'refresh_token', refresh_token: narrower.body.refresh_token })).body.error).toBe('invalid_grant');
  });

  it('access tokens expire on the mock clock', async () => {
    const h = await harness();
    const t = await token(h, { grant_type: 'authorization_code', code: await codeFor(h), redirect_uri: REDIRECT });
    h.clock.advance(3599_000);
    expect((await h.get('/v1/tickets', { key: t.body.access_token })).status).toBe(200);
    h.clock.advance(1_000);
    const expired = await h.get('/v1/tickets', { key: t.body.access_token });
    expect(expired.status).toBe(401);
    expect(expired.body.error).toMatchObject({ type: 'authentication_error', code: 'token_expired' });
  });

  it('revoke (RFC 7009) and introspect (RFC 7662)', async () => {
    const h = await harness();
    const t = await token(h, { grant_type: 'authorization_code', code: await codeFor(h), redirect_uri: REDIRECT });
    const intro = await h.call('POST', '/oauth/introspect', {
      key: null,
      body: form({ token: t.body.access_token }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: DEFAULT_AUTH },
    });
    expect(intro.body).toMatchObject({ active: true, client_id: 'commflow_client', sub: 'user_123', token_type: 'Bearer' });
    const revoked = await h.call('POST', '/oauth/revoke', {
      key: null,
      body: form({ token: t.body.refresh_token }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: DEFAULT_AUTH },
    });
    expect(revoked.status).toBe(200);
    expect((await h.get('/v1/tickets', { key: t.body.access_token })).body.error.code).toBe('token_revoked');
    expect(
      (
        await h.call('POST', '/oauth/revoke', {
          key: null,
          body: form({ token: 'never-existed' }),
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: DEFAULT_AUTH },
        })
      ).status,
    ).toBe(200);
    const gone = await h.call('POST', '/oauth/introspect', { key: null, body: { token: t.body.access_token }, headers: { authorization: DEFAULT_AUTH } });
    expect(gone.body).toEqual({ active: false });
  });

  it('client credentials for confidential clients; errors follow RFC 6749 §5.2', async () => {
    const h = await harness();
    const cc = await token(h, { grant_type: 'client_credentials', scope: 'read:contacts' });
    expect(cc.body).toMatchObject({ token_type: 'Bearer', scope: 'read:contacts' });
    expect(cc.body.refresh_token).toBeUndefined();
    expect((await h.get('/v1/contacts', { key: cc.body.access_token })).status).toBe(200);
    const badSecret = await token(h, { grant_type: 'client_credentials' }, basic('commflow_client', 'nope'));
    expect(badSecret.status).toBe(401);
    expect(badSecret.body.error).toBe('invalid_client');
    expect(badSecret.headers.get('www-authenticate')).toContain('Basic');
    expect((await token(h, { grant_type: 'password' })).body.error).toBe('unsupported_grant_type');
    expect((await token(h, {})).body.error).toBe('invalid_request');
    expect((await token(h, { grant_type: 'client_credentials', scope: 'admin' })).body.error).toBe('invalid_scope');
    const bodyAuth = await token(h, { grant_type: 'client_credentials', client_id: 'commflow_client', client_secret: 'commflow_secret' }, null);
    expect(bodyAuth.status).toBe(200);
    const json = await h.call('POST', '/oauth/token', { key: null, body: { grant_type: 'client_credentials' }, headers: { authorization: DEFAULT_AUTH } });
    expect(json.status).toBe(200);
  });

  it('public clients must use PKCE and cannot use client_credentials', async () => {
    const h = await harness();
    const client = (
      await h.call('POST', '/_mock/oauth-clients', { key: null, body: { name: 'SPA', redirect_uris: ['http://localhost:3000/cb'], public: true } })
    ).body.data;
    expect(client.client_secret).toBeNull();
    const noPkce = await h.call(
      'GET',
      `/oauth/authorize?${form({ response_type: 'code', client_id: client.client_id, redirect_uri: 'http://localhost:3000/cb', state: 'p' })}`,
      { key: null },
    );
    const loc = new URL(noPkce.headers.get('location')!);
    expect(loc.searchParams.get('error')).toBe('invalid_request');
    expect(loc.searchParams.get('state')).toBe('p');
    const { verifier, challenge } = pkce();
    const ok = await h.call(
      'GET',
      `/oauth/authorize?${form({ response_type: 'code', client_id: client.client_id, code_challenge: challenge, code_challenge_method: 'S256' })}`,
      { key: null },
    );
    const code = new URL(ok.headers.get('location')!).searchParams.get('code')!;
    const t = await token(h, { grant_type: 'authorization_code', code, code_verifier: verifier, client_id: client.client_id }, null);
    expect(t.status).toBe(200);
    expect((await token(h, { grant_type: 'client_credentials', client_id: client.client_id }, null)).body.error).toBe('unauthorized_client');
  });

  it('an unknown client or a bad redirect URI is an HTML page, never a redirect; other errors redirect with state', async () => {
    const h = await harness();
    const unknown = await h.call('GET', `/oauth/authorize?${form({ response_type: 'code', client_id: 'nobody', redirect_uri: REDIRECT })}`, { key: null });
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('location')).toBeNull();
    expect(unknown.text).toContain('Unknown client');
    const evil = await authorize(h, { redirect_uri: 'https://evil.example/cb' });
    expect(evil.res.status).toBe(400);
    expect(evil.location).toBeUndefined();
    const scope = await authorize(h, { scope: 'read:everything', state: 'st' });
    expect(Object.fromEntries(scope.location!.searchParams)).toMatchObject({ error: 'invalid_scope', state: 'st' });
    const type = await h.call('GET', `/oauth/authorize?${form({ response_type: 'token', client_id: 'commflow_client', redirect_uri: REDIRECT })}`, {
      key: null,
    });
    expect(new URL(type.headers.get('location')!).searchParams.get('error')).toBe('unsupported_response_type');
  });

  it('prompt=consent shows the scopes; deny redirects with access_denied', async () => {
    const h = await harness();
    const page = await authorize(h, { scope: 'read:tickets read:contacts', state: 'c', prompt: 'consent' });
    expect(page.res.status).toBe(200);
    expect(page.res.text).toContain('read:contacts');
    expect(page.res.text).toContain('id="approve"');
    const deny = await h.call('POST', '/oauth/authorize', {
      key: null,
      body: form({ response_type: 'code', client_id: 'commflow_client', redirect_uri: REDIRECT, scope: 'read:tickets', state: 'c', decision: 'deny' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(Object.fromEntries(new URL(deny.headers.get('location')!).searchParams)).toMatchObject({ error: 'access_denied', state: 'c' });
  });
});
