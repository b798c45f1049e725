import { mkdirSync } from 'node:fs';
import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { createMockServer } from '../../src/index.js';
import { launchChromium, noBrowser } from '../helpers/browser.js';

const REDIRECT = 'http://127.0.0.1:8765/callback';

describe('OAuth with a standard client (oauth4webapi) over a real socket', () => {
  it('completes the code + PKCE flow and calls /v1 with the token', async () => {
    const mock = await createMockServer({ port: 0, logLevel: 'silent' });
    try {
      const as: oauth.AuthorizationServer = {
        issuer: mock.url,
        authorization_endpoint: `${mock.url}/oauth/authorize`,
        token_endpoint: `${mock.url}/oauth/token`,
        revocation_endpoint: `${mock.url}/oauth/revoke`,
      };
      const client: oauth.Client = { client_id: 'commflow_client' };
      const clientAuth = oauth.ClientSecretBasic('commflow_secret');
      const verifier = oauth.generateRandomCodeVerifier();
      const state = oauth.generateRandomState();
      const url = new URL(as.authorization_endpoint!);
      url.search = new URLSearchParams({
        response_type: 'code',
        client_id: client.client_id,
        redirect_uri: REDIRECT,
        scope: 'read:tickets write:tickets',
        state,
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      }).toString();
      const redirected = await fetch(url, { redirect: 'manual' });
      expect(redirected.status).toBe(302);
      const params = oauth.validateAuthResponse(as, client, new URL(redirected.headers.get('location')!), state);
      const response = await oauth.authorizationCodeGrantRequest(as, client, clientAuth, params, REDIRECT, verifier, { [oauth.allowInsecureRequests]: true });
      const tokens = await oauth.processAuthorizationCodeResponse(as, client, response);
      expect(tokens.token_type).toBe('bearer');
      const tickets = await fetch(`${mock.url}/v1/tickets?status=open`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      expect(tickets.status).toBe(200);
      expect(tickets.headers.get('x-ratelimit-limit')).toBe('300');
      const refreshed = await oauth.processRefreshTokenResponse(
        as,
        client,
        await oauth.refreshTokenGrantRequest(as, client, clientAuth, tokens.refresh_token!, { [oauth.allowInsecureRequests]: true }),
      );
      expect(refreshed.access_token).not.toBe(tokens.access_token);
      await oauth.processRevocationResponse(
        await oauth.revocationRequest(as, client, clientAuth, refreshed.access_token, { [oauth.allowInsecureRequests]: true }),
      );
      expect((await fetch(`${mock.url}/v1/tickets`, { headers: { authorization: `Bearer ${refreshed.access_token}` } })).status).toBe(401);
    } finally {
      await mock.close();
    }
  });
});

describe.skipIf(noBrowser)('the consent page in a real browser (Chromium)', () => {
  it('is clicked through: Approve lands on the redirect URI with a code', async () => {
    const mock = await createMockServer({ port: 0, logLevel: 'silent' });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      let landed: URL | undefined;
      await page.route('http://127.0.0.1:8765/**', async (route) => {
        landed = new URL(route.request().url());
        await route.fulfill({ status: 200, contentType: 'text/html', body: '<h1>Back in the app</h1>' });
      });
      const q = new URLSearchParams({
        response_type: 'code',
        client_id: 'commflow_client',
        redirect_uri: REDIRECT,
        scope: 'read:tickets read:contacts',
        state: 'browser',
        prompt: 'consent',
      });
      await page.goto(`${mock.url}/oauth/authorize?${q}`);
      expect(await page.textContent('#scopes')).toContain('read:contacts');
      mkdirSync('test-results', { recursive: true });
      await page.screenshot({ path: 'test-results/oauth-consent.png' });
      await page.click('#approve');
      await page.waitForURL('http://127.0.0.1:8765/**');
      expect(landed?.searchParams.get('state')).toBe('browser');
      expect(landed?.searchParams.get('code')).toMatch(/^cfac_/);
      const token = await fetch(`${mock.url}/oauth/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from('commflow_client:commflow_secret').toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: landed!.searchParams.get('code')!, redirect_uri: REDIRECT }),
      });
      expect(((await token.json()) as { scope: string }).scope).toBe('read:tickets read:contacts');
    } finally {
      await browser.close();
      await mock.close();
    }
  });
});
