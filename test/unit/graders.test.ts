import { describe, expect, it } from 'vitest';
import { DEFAULT_CLIENT, OAuthServer } from '../../src/auth/oauth.js';
import { createClock } from '../../src/clock.js';
import { NoteBudget } from '../../src/conformance/budget.js';
import type { Armed, ScenarioContext } from '../../src/conformance/context.js';
import { armPagination } from '../../src/conformance/pagination.js';
import { armRateLimit } from '../../src/conformance/rate-limit.js';
import { armDroppedConnection, armServerErrors } from '../../src/conformance/server-errors.js';
import { armTokenExpiry } from '../../src/conformance/token-expiry.js';
import { createLogger } from '../../src/logger.js';
import { FaultRules } from '../../src/middleware/fault-rules.js';
import { Journal, type RawEntry } from '../../src/middleware/journal-log.js';
import { ScenarioTaps } from '../../src/middleware/scenario-tap.js';

/**
 * The graders on journals written by hand: each request with the real time it arrived and how
 * long its answer took, so every verdict (and every branch of its detail) is reached without waiting.
 */
function context(noteBytes = 1 << 20): ScenarioContext {
  const clock = createClock();
  clock.freeze(Date.parse('2026-07-01T12:00:00Z'));
  return {
    journal: new Journal({ entries: 1000, bytes: 1 << 20 }),
    faults: new FaultRules(clock, 1),
    taps: new ScenarioTaps(),
    oauth: new OAuthServer(clock, 'ws_456'),
    clock,
    store: undefined as never,
    logger: createLogger('silent'),
    sender: { clock, timeoutMs: 1000, listener: () => undefined },
    notes: new NoteBudget(noteBytes),
  };
}

interface Req {
  method?: string;
  path?: string;
  body?: string;
  status: number;
  /** Arrival and answer, in ms of real time. */
  at: number;
  took?: number;
  fault?: string;
  workspace?: string | null;
  headers?: Record<string, string>;
}

function record(ctx: ScenarioContext, r: Req): void {
  const raw: RawEntry = {
    method: r.method ?? 'GET',
    url: `http://127.0.0.1${r.path ?? '/v1/tickets'}`,
    headers: r.headers ?? {},
    body: r.body ?? null,
    bodySize: r.body?.length ?? 0,
    bodyTruncated: false,
    at: 0,
    status: r.status,
    duration: r.took ?? 2,
    workspace: r.workspace === undefined ? 'ws_a' : r.workspace,
    started: r.at,
    ...(r.fault ? { fault: r.fault } : {}),
  };
  ctx.journal.record(raw);
}

const grade = (armed: Armed) => armed.grade({ afterSeq: 0, untilSeq: Infinity });
const byName = (armed: Armed) => Object.fromEntries(grade(armed).checks.map((c) => [c.name, c]));

describe('rate-limit', () => {
  const arm = (ctx: ScenarioContext, options = {}) =>
    armRateLimit(ctx, { id: 'scn_1', workspaceId: 'ws_a', options: { retry_after_s: 1, count: 3, max_attempts: 5, ...options } }) as Armed;

  it('arms a 429 rule of the workspace with its Retry-After, and removes it when stopped', () => {
    const ctx = context();
    const armed = arm(ctx);
    expect(ctx.faults.list()).toMatchObject([{ workspace_id: 'ws_a', status: 429, retry_after: 1, count: 3, path: '/v1/*' }]);
    expect(grade(armed)).toEqual({ pending: true, checks: [] });
    armed.stop();
    expect(ctx.faults.size).toBe(0);
  });

  it('passes waits of Retry-After that never shrink', () => {
    const ctx = context();
    const armed = arm(ctx);
    record(ctx, { status: 429, at: 0, fault: 'flt_1' });
    record(ctx, { status: 429, at: 1002, fault: 'flt_1' });
    record(ctx, { status: 200, at: 3004 });
    expect(grade(armed).checks.every((c) => c.passed)).toBe(true);
    expect(byName(armed)['waited-retry-after']!.detail).toBe('Every retry waited at least Retry-After (1,000 ms): 1,000 ms, 2,000 ms.');
  });

  it('does not take the noise of a busy machine for shrinking waits: Retry-After each time passes', () => {
    const ctx = context();
    const armed = arm(ctx);
    record(ctx, { status: 429, at: 0, fault: 'flt_1' });
    record(ctx, { status: 429, at: 1232, fault: 'flt_1' }); // 1,230 ms: a second that took longer
    record(ctx, { status: 200, at: 2235 }); // 1,001 ms
    expect(byName(armed)['backed-off']).toEqual({ name: 'backed-off', passed: true, detail: 'No wait before a retry was shorter than the one before it.' });
  });

  it('fails a retry sooner than Retry-After, waits that shrink, and a request never retried', () => {
    const ctx = context();
    const armed = arm(ctx);
    record(ctx, { status: 429, at: 0, fault: 'flt_1' });
    record(ctx, { status: 429, at: 1502, fault: 'flt_1' });
    record(ctx, { status: 200, at: 2304 });
    record(ctx, { method: 'DELETE', path: '/v1/tickets/ticket_1', status: 429, at: 2400, fault: 'flt_1' });
    const checks = byName(armed);
    expect(checks['waited-retry-after']).toEqual({
      name: 'waited-retry-after',
      passed: false,
      detail: 'GET /v1/tickets was retried 800 ms after a 429 that said Retry-After: 1: wait at least 1,000 ms (RFC 9110 §10.2.3).',
    });
    expect(checks['backed-off']!.detail).toBe(
      'The waits before retrying GET /v1/tickets shrank (1,500 ms, 800 ms): back off, each wait at least as long as the one before and never below Retry-After.',
    );
    expect(checks.retried!.detail).toMatch(/^DELETE \/v1\/tickets\/ticket_1 got 429 \(Retry-After: 1\) and was never sent again: retry/);
  });

  it('fails more attempts into 429s than max_attempts, and ignores other workspaces and other 429s', () => {
    const ctx = context();
    const armed = arm(ctx, { count: 10, max_attempts: 2 });
    for (let i = 0; i < 3; i++) record(ctx, { status: 429, at: i * 2000, fault: 'flt_1' });
    record(ctx, { status: 429, at: 1, fault: 'flt_1', workspace: 'ws_b' });
    record(ctx, { path: '/v1/me', status: 429, at: 2 });
    expect(byName(armed)['gave-up']).toEqual({
      name: 'gave-up',
      passed: false,
      detail: 'GET /v1/tickets was sent 3 times into 429s: give up after at most 2 attempts (options.max_attempts) and report the error.',
    });
    expect(byName(armed).retried!.passed).toBe(true);
  });

  it('says when the journal lost requests made since it was armed', () => {
    const ctx = context();
    const armed = arm(ctx);
    record(ctx, { status: 429, at: 0, fault: 'flt_1' });
    ctx.journal.clear();
    record(ctx, { status: 429, at: 5000, fault: 'flt_1' });
    expect(byName(armed)['journal-complete']).toMatchObject({ passed: false, detail: expect.stringMatching(/^The journal no longer holds every request/) });
  });
});

describe('server-errors and dropped-connection', () => {
  const arm = (ctx: ScenarioContext, kind: 'server-errors' | 'dropped-connection' = 'server-errors') =>
    (kind === 'server-errors' ? armServerErrors : armDroppedConnection)(ctx, {
      id: 'scn_1',
      workspaceId: 'ws_a',
      options: { count: 4, min_delay_ms: 10 },
    }) as Armed;

  it('arms 503, 500, 503, 500 one request each (or one dropping rule) for the workspace', () => {
    const ctx = context();
    arm(ctx);
    expect(ctx.faults.list().map((f) => [f.status, f.count, f.workspace_id])).toEqual([
      [503, 1, 'ws_a'],
      [500, 1, 'ws_a'],
      [503, 1, 'ws_a'],
      [500, 1, 'ws_a'],
    ]);
    const other = context();
    arm(other, 'dropped-connection');
    expect(other.faults.list()).toMatchObject([{ drop_connection: true, count: 4, workspace_id: 'ws_a' }]);
  });

  it('passes growing delays, and names them', () => {
    const ctx = context();
    const armed = arm(ctx);
    record(ctx, { status: 503, at: 0, fault: 'flt_1' });
    record(ctx, { status: 500, at: 102, fault: 'flt_2' });
    record(ctx, { status: 200, at: 304 });
    expect(grade(armed).checks.every((c) => c.passed)).toBe(true);
    expect(byName(armed)['growing-delays']!.detail).toBe('Retries waited 100 ms → 200 ms.');
  });

  it('fails delays that do not grow, an immediate retry, and a read never retried', () => {
    const ctx = context();
    const armed = arm(ctx);
    record(ctx, { status: 503, at: 0, fault: 'flt_1' });
    record(ctx, { status: 500, at: 502, fault: 'flt_2' });
    record(ctx, { status: 200, at: 1004 });
    expect(byName(armed)['growing-delays']!.detail).toBe(
      'The waits before retrying GET /v1/tickets did not grow (500 ms, 500 ms): make each wait longer than the one before (exponential backoff), so a struggling server gets room.',
    );
    const soon = context();
    const quick = arm(soon);
    record(soon, { status: 503, at: 0, fault: 'flt_1' });
    record(soon, { status: 200, at: 3 });
    record(soon, { path: '/v1/me', status: 500, at: 10, fault: 'flt_2' });
    expect(byName(quick)['growing-delays']!.detail).toMatch(/^GET \/v1\/tickets was retried 1 ms after it got a 5xx: wait before retrying \(at least 10 ms/);
    expect(byName(quick)['retried-safe']!.detail).toMatch(/^GET \/v1\/me got a 5xx and was not retried: retry safe requests/);
  });

  it('fails a POST sent again without an Idempotency-Key, passes one with the same key, fails one whose key changed', () => {
    const body = '{"subject":"x"}';
    for (const [keys, passed] of [
      [[undefined, undefined], false],
      [['k1', 'k1'], true],
      [['k1', 'k2'], false],
    ] as const) {
      const ctx = context();
      const armed = arm(ctx);
      record(ctx, { method: 'POST', body, status: 503, at: 0, fault: 'flt_1', headers: keys[0] ? { 'Idempotency-Key': keys[0] } : {} });
      record(ctx, { method: 'POST', body, status: 201, at: 200, headers: keys[1] ? { 'Idempotency-Key': keys[1] } : {} });
      expect(byName(armed)['no-blind-repeat']!.passed, String(keys)).toBe(passed);
    }
  });

  it('grades PUT and DELETE retries like reads, but does not require them', () => {
    const ctx = context();
    const armed = arm(ctx);
    record(ctx, { method: 'PUT', status: 503, at: 0, fault: 'flt_1' });
    record(ctx, { method: 'DELETE', path: '/v1/tickets/t', status: 500, at: 5, fault: 'flt_2' });
    expect(grade(armed).checks.every((c) => c.passed)).toBe(true);
    expect(byName(armed)['retried-safe']!.detail).toBe('No safe request (GET, HEAD) failed: the failures hit only other methods.');
  });
});

describe('token-expiry', () => {
  /** A fake request through the tap: a successful /v1 request with this access token. */
  const through = async (ctx: ScenarioContext, token: string) =>
    ctx.taps.get('ws_456')!({ get: () => ({ kind: 'oauth' }), res: { status: 200 }, req: { header: () => `Bearer ${token}` } } as never, async () => undefined);

  it('expires the access token after every `after_requests` successful requests, `expirations` times', async () => {
    const ctx = context();
    const client = ctx.oauth.client(DEFAULT_CLIENT.id)!;
    armTokenExpiry(ctx, { id: 'scn_1', workspaceId: 'ws_456', options: { after_requests: 2, expirations: 1 } });
    const a = String(ctx.oauth.clientCredentials(client, undefined).access_token);
    await through(ctx, a);
    expect(ctx.oauth.access(a)).toHaveProperty('token');
    await through(ctx, a);
    expect(ctx.oauth.access(a)).toEqual({ problem: 'expired' });
    const b = String(ctx.oauth.clientCredentials(client, undefined).access_token);
    await through(ctx, b);
    await through(ctx, b);
    expect(ctx.oauth.access(b)).toHaveProperty('token');
  });

  it('fails two refreshes for one expiry, and two retries', async () => {
    const ctx = context();
    const client = ctx.oauth.client(DEFAULT_CLIENT.id)!;
    const armed = armTokenExpiry(ctx, { id: 'scn_1', workspaceId: 'ws_456', options: { after_requests: 1, expirations: 1 } }) as Armed;
    const a = String(ctx.oauth.clientCredentials(client, undefined).access_token);
    await through(ctx, a);
    const basic = { authorization: `Basic ${btoa('commflow_client:commflow_secret')}` };
    const refresh = (token: string, at: number) =>
      record(ctx, {
        method: 'POST',
        path: '/oauth/token',
        body: `grant_type=refresh_token&refresh_token=${token}`,
        status: 200,
        at,
        workspace: null,
        headers: basic,
      });
    record(ctx, { path: '/v1/me', status: 401, at: 0, workspace: null, headers: { authorization: `Bearer ${a}` } });
    refresh('cfrt_1', 10);
    refresh('cfrt_2', 20);
    record(ctx, { path: '/v1/me', status: 200, at: 30, workspace: 'ws_456', headers: { authorization: 'Bearer cfat_new' } });
    record(ctx, { path: '/v1/me', status: 200, at: 40, workspace: 'ws_456', headers: { authorization: 'Bearer cfat_new' } });
    const checks = byName(armed);
    expect(checks['refreshed-once']!.detail).toBe(
      'After GET /v1/me got 401 token_expired the client refreshed twice: one refresh is enough; let concurrent requests share it.',
    );
    expect(checks['retried-once']!.detail).toBe('GET /v1/me was sent again twice after the refresh: once is enough.');
    expect(checks['rotated-refresh-token']!.detail).toBe('One expiry was armed (options.expirations 1), so a second refresh was not needed.');
  });
});

describe('pagination', () => {
  /** A list request through the tap, answered with this page's meta and links.next. */
  const page = async (ctx: ScenarioContext, target: string, current: number, next: string | null) => {
    const body = JSON.stringify({ data: [], meta: { current_page: current, total_pages: 3 }, links: { next } });
    const c = {
      req: { method: 'GET', path: target.split('?')[0], url: `http://127.0.0.1${target}` },
      get: () => ({ query: new Map([['page', {}]]) }),
      res: new Response(body),
    };
    await ctx.taps.get('ws_a')!(c as never, async () => undefined);
  };

  it('stops noting once the budget shared by the armed scenarios is spent, and says so; ending gives it back', async () => {
    const ctx = context(250);
    const armed = armPagination(ctx, { id: 'scn_1', workspaceId: 'ws_a', options: {} }) as Armed;
    await page(ctx, '/v1/tickets', 1, '/v1/tickets?page=2');
    await page(ctx, '/v1/tickets?page=2', 2, '/v1/tickets?page=3');
    await page(ctx, '/v1/tickets?page=3', 3, null);
    const checks = byName(armed);
    expect(checks['observed-all']!.detail).toBe(
      "The armed scenarios' notes reached 8 MiB, so the later list requests were not graded: arm fewer at once, or end some (arming another in a workspace ends its scenario).",
    );
    expect(checks['reached-end']!.passed).toBe(false);
    expect(ctx.notes.bytes).toBeGreaterThan(0);
    armed.stop();
    expect(ctx.notes.bytes).toBe(0);
    expect(ctx.taps.size).toBe(0);
  });
});
