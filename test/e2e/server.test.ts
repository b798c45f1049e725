import { describe, expect, it } from 'vitest';
import { createMockServer } from '../../src/index.js';
import { assertMatchesSpec } from '../helpers/spec-check.js';

describe('createMockServer (in-process, real socket on port 0)', () => {
  it('serves, resets and closes', async () => {
    const mock = await createMockServer({ port: 0, seed: 3, logLevel: 'silent' });
    try {
      expect(mock.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(mock.port).toBeGreaterThan(0);
      const headers = { authorization: `Bearer ${mock.apiKey}`, 'content-type': 'application/json' };
      const created = await fetch(`${mock.url}/v1/tickets`, { method: 'POST', headers, body: JSON.stringify({ subject: 'In-process' }) });
      expect(created.status).toBe(201);
      const body = (await created.json()) as { data: { id: string } };
      await assertMatchesSpec('POST', '/v1/tickets', 201, body);
      await mock.reset();
      expect((await fetch(`${mock.url}/v1/tickets/${body.data.id}`, { headers })).status).toBe(404);
      const head = await fetch(`${mock.url}/v1/tickets/ticket_123`, { method: 'HEAD', headers });
      expect(head.status).toBe(200);
      expect(await head.text()).toBe('');
    } finally {
      await mock.close();
    }
    await expect(fetch(`${mock.url}/_mock/health`)).rejects.toThrow();
  });

  it('odd requests on the wire never get a 5xx or a non-JSON error', async () => {
    const mock = await createMockServer({ port: 0, logLevel: 'silent' });
    try {
      const headers = { authorization: `Bearer ${mock.apiKey}` };
      for (const path of [
        '/v1/tickets/%E0%A4%A',
        '/v1/tickets/%00',
        '/v1/tickets?q=%',
        '/v1//tickets',
        '/v1/tickets/ticket_123/..',
        '/%2e%2e/v1/me',
        `/v1/tickets?q=${'x'.repeat(600)}`,
      ]) {
        const res = await fetch(`${mock.url}${path}`, { headers });
        expect(res.status, path).toBeLessThan(500);
        if (res.status >= 400) expect(((await res.json()) as { error: object }).error, path).toBeDefined();
      }
    } finally {
      await mock.close();
    }
  });

  it('a fault can drop the connection without an answer', async () => {
    const mock = await createMockServer({ port: 0, logLevel: 'silent' });
    try {
      const rule = await fetch(`${mock.url}/_mock/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ path: '/v1/me', drop_connection: true, count: 1 }),
      });
      expect(rule.status).toBe(201);
      const headers = { authorization: `Bearer ${mock.apiKey}` };
      await expect(fetch(`${mock.url}/v1/me`, { headers })).rejects.toThrow();
      const after = await fetch(`${mock.url}/v1/me`, { headers });
      expect(after.status).toBe(200);
      expect(after.headers.get('x-ratelimit-limit')).toBe('300');
    } finally {
      await mock.close();
    }
  });

  it('offers the control plane in-process: workspaces, snapshots, clock, journal, deliveries', async () => {
    const mock = await createMockServer({ port: 0, logLevel: 'silent', seed: 2 });
    try {
      const ws = await mock.workspace({ name: 'In-process' });
      const headers = { authorization: `Bearer ${ws.apiKey}`, 'content-type': 'application/json' };
      const snap = await mock.snapshot(ws.id);
      mock.clock.freeze(Date.parse('2026-02-02T00:00:00Z'));
      mock.clock.advance(1000);
      const created = await fetch(`${mock.url}/v1/tickets`, { method: 'POST', headers, body: JSON.stringify({ subject: 'In-process' }) });
      const ticket = ((await created.json()) as { data: { id: string; created_at: string } }).data;
      expect(ticket.created_at).toBe('2026-02-02T00:00:01Z');
      expect(mock.requests({ workspace_id: ws.id }).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['POST /v1/tickets 201']);
      await mock.restore(snap);
      expect((await fetch(`${mock.url}/v1/tickets/${ticket.id}`, { headers })).status).toBe(404);
      expect(JSON.stringify(await mock.snapshot(ws.id))).toBe(JSON.stringify(snap));
      expect(await mock.deliveries(ws.id)).toEqual([]);
      await mock.flush();
      await mock.reset(ws.id);
      expect((await fetch(`${mock.url}/v1/me`, { headers })).status).toBe(200);
    } finally {
      await mock.close();
    }
  });
});
