import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioView } from '../../src/conformance/book.js';
import { createMockServer, type MockServer } from '../../src/index.js';
import { type Client, type Credentials, NaiveClient, webhookReceiver, WellBehavedClient } from '../helpers/reference-clients.js';

/**
 * The SDK conformance kit against its two reference clients, on a real socket: the well-behaved
 * one passes every scenario, the naive one fails each with a detail that says what to change.
 * Each test has its own workspace; they run side by side (the rate-limit ones wait on the wall
 * clock, 1 s per Retry-After, the only real waits here).
 */
let mock: MockServer;
beforeAll(async () => {
  mock = await createMockServer({ port: 0, logLevel: 'silent' });
  // The validator loads on first use and holds the event loop meanwhile: not while a client's waits are timed.
  await fetch(`${mock.url}/v1/tickets?per_page=1`, { headers: { authorization: `Bearer ${mock.apiKey}` } });
});
afterAll(() => mock.close());

type Kind = 'well-behaved' | 'naive';

async function setUp(kind: Kind, oauth = false): Promise<{ ws: { id: string; apiKey: string }; client: Client }> {
  const ws = await mock.workspace({ fixtures: 'default' });
  const credentials: Credentials = oauth ? { oauth: await authorize(ws.id) } : { apiKey: ws.apiKey };
  const client = kind === 'well-behaved' ? new WellBehavedClient(mock.url, credentials) : new NaiveClient(mock.url, credentials);
  return { ws, client };
}

/** An OAuth client of the workspace and the tokens of one authorization code flow. */
async function authorize(workspaceId: string): Promise<NonNullable<Credentials['oauth']>> {
  const redirect = 'http://127.0.0.1:8765/callback';
  const made = await fetch(`${mock.url}/_mock/oauth-clients`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ redirect_uris: [redirect], workspace_id: workspaceId }),
  });
  const client = ((await made.json()) as { data: { client_id: string; client_secret: string } }).data;
  const auth = await fetch(
    `${mock.url}/oauth/authorize?response_type=code&client_id=${client.client_id}&redirect_uri=${encodeURIComponent(redirect)}&state=s`,
    {
      redirect: 'manual',
    },
  );
  const code = new URL(auth.headers.get('location')!).searchParams.get('code')!;
  const basic = `Basic ${btoa(`${client.client_id}:${client.client_secret}`)}`;
  const res = await fetch(`${mock.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirect }),
  });
  const tokens = (await res.json()) as { access_token: string; refresh_token: string };
  return { accessToken: tokens.access_token, refreshToken: tokens.refresh_token, clientId: client.client_id, clientSecret: client.client_secret };
}

const check = (view: ScenarioView, name: string) => {
  const found = view.checks.find((c) => c.name === name);
  if (!found) throw new Error(`no check ${name} in ${JSON.stringify(view.checks)}`);
  return found;
};
const failed = (view: ScenarioView) => view.checks.filter((c) => !c.passed).map((c) => c.name);
/** Runs the client's work, which may throw once it gives up (a naive one's does). */
const attempt = (work: () => Promise<unknown>) => work().catch(() => undefined);

describe('the SDK conformance scenarios', () => {
  describe.concurrent('rate-limit', () => {
    it('passes a client that waits Retry-After and backs off', async () => {
      const { ws, client } = await setUp('well-behaved');
      const run = await mock.scenario('rate-limit', { workspaceId: ws.id });
      expect((await run.result()).status).toBe('pending');
      expect((await client.request('GET', '/v1/tickets?per_page=1')).status).toBe(200);
      const view = await run.assertPassed();
      expect(check(view, 'waited-retry-after').detail).toMatch(/^Every retry waited at least Retry-After \(1,000 ms\)/);
    });

    it('fails a client that ignores Retry-After, saying how long it waited and how long it should have', async () => {
      const { ws, client } = await setUp('naive');
      const run = await mock.scenario('rate-limit', { workspaceId: ws.id });
      await client.request('GET', '/v1/tickets?per_page=1');
      const view = await run.result();
      expect(view.status).toBe('failed');
      // Its waits are a few ms each; whether one was shorter than the one before is up to the scheduler.
      expect(failed(view)).toContain('waited-retry-after');
      expect(failed(view)).not.toContain('retried');
      expect(failed(view)).not.toContain('gave-up');
      expect(check(view, 'waited-retry-after').detail).toMatch(
        /^GET \/v1\/tickets\?per_page=1 was retried \d+ ms after a 429 that said Retry-After: 1: wait at least 1,000 ms/,
      );
    });

    it('grades giving up: a client that keeps retrying into 429s fails, one that stops at its bound passes', async () => {
      const options = { count: 6, max_attempts: 3 };
      const good = await setUp('well-behaved');
      const patient = new WellBehavedClient(mock.url, { apiKey: good.ws.apiKey }, { maxAttempts: 3, baseDelayMs: 100 });
      const passing = await mock.scenario('rate-limit', { workspaceId: good.ws.id, options });
      expect((await patient.request('GET', '/v1/me')).status).toBe(429);
      expect(check(await passing.assertPassed(), 'gave-up').detail).toBe('At most 3 attempts of one request met a 429 (the bound is 3).');

      const naive = await setUp('naive');
      const failing = await mock.scenario('rate-limit', { workspaceId: naive.ws.id, options });
      await naive.client.request('GET', '/v1/me');
      const view = await failing.result();
      expect(failed(view)).toEqual(expect.arrayContaining(['waited-retry-after', 'gave-up']));
      expect(check(view, 'gave-up').detail).toBe(
        'GET /v1/me was sent 6 times into 429s: give up after at most 3 attempts (options.max_attempts) and report the error.',
      );
    });
  });

  // One at a time: these time waits of 100 and 200 ms, which other work in this process would blur.
  describe.each(['server-errors', 'dropped-connection'])('%s', (name) => {
    it('passes a client that retries reads with growing delays and leaves a POST alone', async () => {
      const { ws, client } = await setUp('well-behaved');
      const run = await mock.scenario(name, { workspaceId: ws.id, options: { count: 3 } });
      const created = await attempt(() => client.request('POST', '/v1/tickets', { subject: 'Printer on fire' }));
      expect(name === 'server-errors' ? (created as { status: number }).status : created).toBe(name === 'server-errors' ? 503 : undefined);
      expect((await client.request('GET', '/v1/tickets?per_page=1')).status).toBe(200);
      const view = await run.assertPassed();
      expect(check(view, 'growing-delays').detail).toMatch(/^Retries waited \d+ ms → \d+ ms\.$/);
      expect(check(view, 'no-blind-repeat').detail).toBe('No POST or PATCH that failed was sent again blindly.');
    });

    it('fails a client that repeats at once, and repeats a POST', async () => {
      const { ws, client } = await setUp('naive');
      const run = await mock.scenario(name, { workspaceId: ws.id, options: { count: 4, min_delay_ms: 100 } });
      await client.request('POST', '/v1/tickets', { subject: 'Printer on fire' });
      await client.request('GET', '/v1/tickets?per_page=1');
      const view = await run.result();
      expect(failed(view)).toEqual(['growing-delays', 'no-blind-repeat']);
      const what = name === 'server-errors' ? 'got a 5xx' : 'lost its connection without an answer';
      expect(check(view, 'growing-delays').detail).toMatch(new RegExp(`^POST /v1/tickets was retried \\d+ ms after it ${what}: wait before retrying`));
      expect(check(view, 'no-blind-repeat').detail).toContain(`POST /v1/tickets ${what} and was sent again 4 times with the same body and no Idempotency-Key`);
      // It may have created the ticket several times over: that is what the check is about.
      await mock.verify({ workspace_id: ws.id, method: 'POST', path: '/v1/tickets', body: { subject: 'Printer on fire' } }, 5);
    });

    it('accepts a POST retried with the same Idempotency-Key', async () => {
      const { ws, client } = await setUp('well-behaved');
      const run = await mock.scenario(name, { workspaceId: ws.id, options: { count: 2 } });
      expect((await client.request('POST', '/v1/tickets', { subject: 'Once' }, { idempotencyKey: 'k-1' })).status).toBe(201);
      expect(check(await run.assertPassed(), 'no-blind-repeat').passed).toBe(true);
    });
  });

  describe.concurrent('token-expiry', () => {
    it('passes a client that refreshes once, retries once and keeps the rotated refresh token', async () => {
      const { ws, client } = await setUp('well-behaved', true);
      const run = await mock.scenario('token-expiry', { workspaceId: ws.id });
      for (const path of ['/v1/me', '/v1/tickets?per_page=1', '/v1/contacts?per_page=1']) expect((await client.request('GET', path)).status).toBe(200);
      const view = await run.assertPassed();
      expect(check(view, 'rotated-refresh-token').detail).toBe('Each of the 2 refreshes sent a refresh token not used before, and got new tokens.');
    });

    it('fails a client that never refreshes, and says what to do instead', async () => {
      const { ws, client } = await setUp('naive', true);
      const run = await mock.scenario('token-expiry', { workspaceId: ws.id });
      for (const path of ['/v1/me', '/v1/tickets?per_page=1', '/v1/contacts?per_page=1']) await client.request('GET', path);
      const view = await run.result();
      expect(failed(view)).toEqual(['refreshed-once', 'retried-once', 'rotated-refresh-token']);
      expect(check(view, 'refreshed-once').detail).toBe(
        'After GET /v1/tickets?per_page=1 got 401 token_expired the client did not refresh (no POST /oauth/token with grant_type=refresh_token): on 401 token_expired, refresh the access token (RFC 6749 §6), then retry the request once.',
      );
      expect(check(view, 'retried-once').detail).toBe(
        'GET /v1/tickets?per_page=1 was sent again with the expired access token (once): retry it with the refreshed token.',
      );
    });

    it('fails a client that refreshes with the first refresh token again', async () => {
      const { ws, client } = await setUp('well-behaved', true);
      const first = (client as unknown as { credentials: Credentials }).credentials.oauth!;
      const run = await mock.scenario('token-expiry', { workspaceId: ws.id });
      await client.request('GET', '/v1/me');
      await client.request('GET', '/v1/me');
      // Forget the rotated refresh token, as a client that stored only the first one would.
      const self = client as unknown as { credentials: Credentials };
      self.credentials = { oauth: { ...self.credentials.oauth!, refreshToken: first.refreshToken } };
      await attempt(() => client.request('GET', '/v1/me'));
      const view = await run.result();
      expect(check(view, 'rotated-refresh-token')).toEqual({
        name: 'rotated-refresh-token',
        passed: false,
        detail:
          'Refresh 2 sent a refresh token an earlier refresh had already used: each refresh rotates it, and reusing one revokes the whole grant (RFC 9700 §4.14.2). Keep the refresh_token of every token response.',
      });
    });
  });

  describe.concurrent('pagination', () => {
    it('passes a client that follows links.next to the end', async () => {
      const { ws, client } = await setUp('well-behaved');
      const run = await mock.scenario('pagination', { workspaceId: ws.id, options: { path: '/v1/tickets' } });
      expect(await client.listAll('/v1/tickets?per_page=100')).toHaveLength(200);
      expect(check(await run.assertPassed(), 'reached-end').detail).toBe('Every walk reached the page whose links.next is null: /v1/tickets (2 pages).');
    });

    it('fails a client that builds its own page URLs', async () => {
      const { ws, client } = await setUp('naive');
      const run = await mock.scenario('pagination', { workspaceId: ws.id });
      expect(await client.listAll('/v1/tickets')).toHaveLength(200);
      const view = await run.result();
      expect(failed(view)).toEqual(['followed-links']);
      expect(check(view, 'followed-links').detail).toBe(
        'GET /v1/tickets?page=2&per_page=25 was not the links.next of the page before (/v1/tickets?page=2): request links.next exactly as given instead of building page URLs.',
      );
    });
  });

  describe.concurrent('webhook-receiver', () => {
    it.each([
      ['well-behaved', []],
      ['naive', ['rejected-bad-signature', 'rejected-stale']],
    ] as const)('grades a %s endpoint', async (kind, failures) => {
      const { ws } = await setUp(kind);
      let secret = '';
      const receiver = await webhookReceiver(
        kind,
        () => secret,
        () => mock.clock.now(),
      );
      try {
        const res = await fetch(`${mock.url}/v1/webhooks`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ws.apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ url: receiver.url, events: ['ticket.created'] }),
        });
        secret = ((await res.json()) as { data: { secret: string } }).data.secret;
        const run = await mock.scenario('webhook-receiver', { workspaceId: ws.id });
        let view = await run.result();
        for (let i = 0; i < 200 && view.status === 'pending'; i++) {
          await new Promise((resolve) => setTimeout(resolve, 10));
          view = await run.result();
        }
        expect(failed(view)).toEqual(failures);
        if (kind === 'naive') {
          expect(check(view, 'rejected-bad-signature').detail).toMatch(/^A delivery signed with another secret was accepted \(200\): verify webhook-signature/);
          expect(check(view, 'rejected-stale').detail).toMatch(
            /^A delivery whose webhook-timestamp was 600 s old was accepted \(200\): reject a webhook-timestamp/,
          );
        } else expect(view.status).toBe('passed');
      } finally {
        await receiver.close();
      }
    });
  });
});
