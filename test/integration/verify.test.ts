import { AssertionError } from 'node:assert';
import { describe, expect, it } from 'vitest';
import { createMockServer } from '../../src/index.js';
import { harness, type Harness } from '../helpers/harness.js';

const verify = (h: Harness, body: unknown) => h.call('POST', '/_mock/requests/verify', { key: null, body });

/** A workspace of its own, with a few requests in its journal. */
async function withTraffic(h: Harness) {
  const ws = (await h.call('POST', '/_mock/workspaces', { key: null, body: {} })).body.data;
  const key = ws.api_key as string;
  await h.call('POST', '/v1/tickets', { key, body: { subject: 'Printer on flre', priority: 'high', tags: ['hardware', 'office'] } });
  await h.get('/v1/tickets?status=open&priority=urgent', { key });
  await h.call('PATCH', '/v1/tickets/ticket_123', { key, body: { status: 'pending' } });
  await h.get('/v1/me', { key, headers: { prefer: 'code=200' } });
  return { id: ws.workspace.id as string, key };
}

describe('POST /_mock/requests/verify', () => {
  it.each([
    [{ method: 'POST', path: '/v1/tickets' }, 1],
    [{ path: '/v1/tickets*' }, 3],
    [{ path: '/V1/TICKETS/*' }, 1],
    [{ method: 'GET', query: { status: 'open' } }, 1],
    [{ query: { status: 'open', priority: 'u*' } }, 1],
    [{ query: { status: ['open'] } }, 1],
    [{ query: { status: 'closed' } }, 0],
    [{ headers: { Prefer: 'code=*' } }, 1],
    [{ headers: { authorization: 'Bearer sk_test_*' } }, 4],
    [{ body: { subject: 'Printer on flre' } }, 1],
    [{ body: { tags: ['office'] } }, 1],
    [{ body: { tags: ['office', 'hardware'] } }, 0],
    [{ body: {} }, 2],
    [{ body: null }, 2],
    [{}, 4],
  ])('%j matches %i requests', async (matcher, count) => {
    const h = await harness();
    const ws = await withTraffic(h);
    const res = await verify(h, { workspace_id: ws.id, ...matcher, times: count });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ passed: true, matched: count, expected: `exactly ${count}`, near_misses: [] });
  });

  it('holds the count against times, at_least and at_most (each one given), at least 1 by default', async () => {
    const h = await harness();
    const ws = await withTraffic(h);
    const cases: [object, boolean, string][] = [
      [{}, true, 'at least 1'],
      [{ at_least: 4 }, false, 'at least 4'],
      [{ at_most: 2 }, false, 'at most 2'],
      [{ at_most: 3 }, true, 'at most 3'],
      [{ at_least: 1, at_most: 3 }, true, 'between 1 and 3'],
      [{ times: 0 }, false, 'exactly 0'],
    ];
    for (const [count, passed, expected] of cases) {
      const res = await verify(h, { workspace_id: ws.id, path: '/v1/tickets*', ...count });
      expect(res.body.data, JSON.stringify(count)).toMatchObject({ passed, matched: 3, expected });
    }
    const many = await verify(h, { workspace_id: ws.id, path: '/v1/tickets*', at_most: 1 });
    expect(many.body.data.message).toMatch(/; 3 did\.\nMatched: req_\d+ PATCH \/v1\/tickets\/ticket_123 → 200 at .*; req_\d+ GET \/v1\/tickets → 200/);
    expect(many.body.data.near_misses).toEqual([]);
  });

  it('names the closest requests when too few matched, with what differed field by field', async () => {
    const h = await harness();
    const ws = await withTraffic(h);
    const res = await verify(h, { workspace_id: ws.id, method: 'POST', path: '/v1/tickets', body: { subject: 'Printer on fire', tags: ['hardware'] } });
    const data = res.body.data;
    expect(data).toMatchObject({ passed: false, matched: 0, expected: 'at least 1' });
    expect(data.near_misses).toHaveLength(3);
    expect(data.near_misses[0]).toEqual({
      request: { id: expect.stringMatching(/^req_/), time: expect.any(String), method: 'POST', path: '/v1/tickets', status: 201 },
      differences: [{ field: 'body.subject', expected: 'Printer on fire', actual: 'Printer on flre' }],
    });
    // Next: the GET of the same path (method and body differ), then the PATCH of a path one segment longer.
    expect(data.near_misses[1].request).toMatchObject({ method: 'GET', path: '/v1/tickets' });
    expect(data.near_misses[1].differences.map((d: { field: string }) => d.field)).toEqual(['method', 'body']);
    expect(data.near_misses[2].request).toMatchObject({ method: 'PATCH', path: '/v1/tickets/ticket_123' });
    expect(data.message).toBe(
      [
        `Expected at least 1 request of workspace ${ws.id} to match method POST, path /v1/tickets, body {"subject":"Printer on fire","tags":["hardware"]}; 0 did.`,
        'The closest requests:',
        `  ${data.near_misses[0].request.id} POST /v1/tickets → 201 at ${data.near_misses[0].request.time}`,
        '    body.subject: expected "Printer on fire", got "Printer on flre"',
        `  ${data.near_misses[1].request.id} GET /v1/tickets → 200 at ${data.near_misses[1].request.time}`,
        '    method: expected "POST", got "GET"',
        '    body: expected {"subject":"Printer on fire","tags":["hardware"]}, got null',
        `  ${data.near_misses[2].request.id} PATCH /v1/tickets/ticket_123 → 200 at ${data.near_misses[2].request.time}`,
        '    method: expected "POST", got "PATCH"',
        '    path: expected "/v1/tickets", got "/v1/tickets/ticket_123"',
        '    body.subject: expected "Printer on fire", got nothing',
        '    body.tags: expected ["hardware"], got nothing',
      ].join('\n'),
    );
  });

  it('reports query and header differences, absent ones without an actual value', async () => {
    const h = await harness();
    const ws = await withTraffic(h);
    const res = await verify(h, { workspace_id: ws.id, method: 'GET', path: '/v1/tickets', query: { status: 'closed', q: 'x' }, headers: { 'X-Trace': '*' } });
    expect(res.body.data.near_misses[0].differences).toEqual([
      { field: 'query.status', expected: 'closed', actual: 'open' },
      { field: 'query.q', expected: 'x' },
      { field: 'headers.x-trace', expected: '*' },
    ]);
  });

  it("counts only the workspace's own requests, and names none of another's as near misses", async () => {
    const h = await harness();
    const a = await withTraffic(h);
    const b = await withTraffic(h);
    await h.get('/v1/contacts', { key: b.key });
    const res = await verify(h, { workspace_id: a.id, path: '/v1/contacts' });
    expect(res.body.data.matched).toBe(0);
    expect(res.body.data.near_misses.every((n: { request: { path: string } }) => n.request.path !== '/v1/contacts')).toBe(true);
    expect((await verify(h, { workspace_id: b.id, path: '/v1/contacts', times: 1 })).body.data.passed).toBe(true);
    // The default workspace by default: it has seen nothing.
    const none = await verify(h, { path: '/v1/contacts' });
    expect(none.body.data).toMatchObject({ passed: false, matched: 0, near_misses: [] });
    expect(none.body.data.message).toContain('The journal holds no request of workspace ws_456.');
  });

  it('matches credentials as the journal shows them, cut to a prefix: a full key never matches', async () => {
    const h = await harness();
    await h.get('/v1/me');
    expect((await verify(h, { headers: { authorization: 'Bearer sk_test_commflow' } })).body.data.matched).toBe(0);
    expect((await verify(h, { headers: { authorization: 'Bearer sk_test_comm…' } })).body.data.matched).toBe(1);
    await h.call('POST', '/oauth/token', {
      key: null,
      body: 'grant_type=client_credentials&client_id=commflow_client&client_secret=commflow_secret',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    // OAuth requests belong to no workspace the journal knows of.
    expect((await verify(h, { path: '/oauth/token' })).body.data.matched).toBe(0);
  });

  it('refuses what cannot be answered, naming it', async () => {
    const h = await harness();
    const cases: [unknown, number, string | null, RegExp][] = [
      [{ workspace_id: 'ws_nope' }, 422, 'workspace_id', /No workspace with id 'ws_nope' exists/],
      [{ workspace_id: '__proto__' }, 422, 'workspace_id', /No workspace with id '__proto__'/],
      [{ body: { big: 'x'.repeat(9000) } }, 422, 'body', /The 'body' matcher is 9010 bytes; at most 8192 \(the journal keeps/],
      [{ method: 'FETCH' }, 422, 'method', /must be one of: GET, POST/],
      [{ times: -1 }, 422, 'times', /at least 0/],
      [{ count: 1 }, 422, 'count', /Unknown field 'count'/],
      [{ query: { status: 1 } }, 422, 'query.status', /must be a string or an array/],
    ];
    for (const [body, status, param, message] of cases) {
      const res = await verify(h, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.error.param).toBe(param);
      expect(res.body.error.message).toMatch(message);
    }
  });

  it('treats __proto__ in a body matcher as a plain key', async () => {
    const h = await harness();
    await h.call('POST', '/v1/tickets', { body: '{"subject":"x","__proto__":{"a":1}}' });
    const res = await verify(h, { method: 'POST', body: JSON.parse('{"__proto__": {"polluted": true}}') });
    expect(res.body.data.passed).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('mock.verify (in process)', () => {
  it('resolves with the verdict, or rejects with an AssertionError whose message is the diff', async () => {
    const mock = await createMockServer({ port: 0, logLevel: 'silent' });
    try {
      const ws = await mock.workspace();
      await fetch(`${mock.url}/v1/tickets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ws.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ subject: 'Printer on fire' }),
      });
      expect(await mock.verify({ workspace_id: ws.id, method: 'POST', path: '/v1/tickets', body: { subject: 'Printer on fire' } }, 1)).toMatchObject({
        passed: true,
        matched: 1,
      });
      const err = await mock
        .verify({ workspace_id: ws.id, method: 'POST', path: '/v1/tickets', body: { subject: 'Printer on flre' } }, { at_least: 1 })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AssertionError);
      expect((err as Error).message).toContain('body.subject: expected "Printer on flre", got "Printer on fire"');
      await expect(mock.verify({ workspace_id: 'ws_gone' })).rejects.toThrow("No workspace with id 'ws_gone' exists.");
    } finally {
      await mock.close();
    }
  });
});
