import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { createMockServer } from '../../src/index.js';
import { startCli } from '../helpers/cli.js';
import { assertMatchesSpec } from '../helpers/spec-check.js';
import { sseReader } from '../helpers/sse.js';

const LOG_LOADS = fileURLToPath(new URL('../helpers/log-loads.mjs', import.meta.url));
const AUTH = { authorization: 'Bearer sk_test_commflow' };

describe('the inspector on a real socket', () => {
  it('is not loaded by a start or by /v1 requests, only by the first request to /_mock/ui', async () => {
    const cli = await startCli(['--port', '0', '--log-level', 'warn'], {}, ['--import', LOG_LOADS]);
    try {
      for (const path of ['/v1/me', '/v1/tickets?status=open', '/_mock/health', '/_mock/requests']) {
        expect((await fetch(`${cli.url}${path}`, { headers: AUTH })).status, path).toBe(200);
      }
      expect(cli.output()).not.toContain('loaded ');
      expect((await fetch(`${cli.url}/_mock/ui`)).status).toBe(200);
      await cli.waitForOutput('/dist/inspector/page.js');
      expect(cli.output()).toMatch(/loaded .*\/hono\/dist\/jsx\//);
    } finally {
      await cli.stop();
    }
  });

  it('keeps each answer on a socket while watched: its headers, body and size, as sent', async () => {
    const mock = await createMockServer({ port: 0, logLevel: 'silent' });
    const s = sseReader(await fetch(`${mock.url}/_mock/stream`));
    try {
      await s.until(() => s.of('ready').length === 1);
      const sent = await fetch(`${mock.url}/v1/tickets/ticket_123`, { headers: AUTH });
      const text = await sent.text();
      const created = await fetch(`${mock.url}/v1/tickets`, {
        method: 'POST',
        headers: { ...AUTH, 'content-type': 'application/json' },
        body: JSON.stringify({ subject: 'Kept ✓' }),
      });
      const createdText = await created.text();
      const journal = await fetch(`${mock.url}/_mock/requests?limit=2`);
      const listed = (await journal.json()) as any;
      await assertMatchesSpec('GET', '/_mock/requests', journal.status, listed);
      const [post, get] = listed.data;
      // As the pipeline answered them: text values (the server's own Content-Length, added as it writes, is not one of them).
      for (const kept of [get, post]) for (const value of Object.values(kept.response.headers)) expect(typeof value).toBe('string');
      expect(get.response).toEqual({
        status: 200,
        headers: expect.objectContaining({
          'content-type': sent.headers.get('content-type'),
          'x-ratelimit-remaining': sent.headers.get('x-ratelimit-remaining'),
        }),
        body: JSON.parse(text),
        body_size: Buffer.byteLength(text),
        body_truncated: false,
      });
      expect(post.response).toMatchObject({ status: 201, body: JSON.parse(createdText), body_size: Buffer.byteLength(createdText) });
      // The same record answered twice is the same bytes both times.
      expect(await (await fetch(`${mock.url}/v1/tickets/ticket_123`, { headers: AUTH })).text()).toBe(text);
    } finally {
      await s.cancel();
      await mock.close();
    }
  });

  it('prints the inspector in the start banner', async () => {
    const cli = await startCli(['--port', '0']);
    try {
      await cli.waitForOutput('Inspector:');
      expect(cli.output()).toContain(`Inspector:     ${cli.url}/_mock/ui`);
    } finally {
      await cli.stop();
    }
  });

  it('stops at once with streams open: they end first (they would hold the stop for its 5 s grace)', async () => {
    const mock = await createMockServer({ port: 0, logLevel: 'silent' });
    const streams = await Promise.all([1, 2, 3].map(async () => sseReader(await fetch(`${mock.url}/_mock/stream`))));
    for (const s of streams) await s.until(() => s.of('ready').length === 1);
    const t0 = performance.now();
    await mock.close();
    expect(performance.now() - t0).toBeLessThan(2_000);
    await Promise.all(streams.map((s) => s.pump));
    for (const s of streams) expect(s.ended()).toBe(true);
  });

  it('forgets a client that goes away mid-stream (its socket closed, or its fetch aborted)', async () => {
    const mock = await createMockServer({ port: 0, logLevel: 'silent' });
    try {
      const streams = async () => ((await (await fetch(`${mock.url}/_mock/stats`)).json()) as any).data.streams;
      const socket = connect(mock.port, '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      socket.write(`GET /_mock/stream HTTP/1.1\r\nHost: 127.0.0.1:${mock.port}\r\n\r\n`);
      await new Promise<void>((resolve) => socket.once('data', () => resolve()));
      const aborted = new AbortController();
      const s = sseReader(await fetch(`${mock.url}/_mock/stream`, { signal: aborted.signal }));
      await s.until(() => s.of('ready').length === 1);
      expect(await streams()).toBe(2);
      socket.destroy();
      aborted.abort();
      await vi.waitFor(async () => expect(await streams()).toBe(0), { timeout: 5_000, interval: 10 });
      // Traffic after they left costs nothing: nobody watches.
      expect((await fetch(`${mock.url}/v1/me`, { headers: AUTH })).status).toBe(200);
      expect(((await (await fetch(`${mock.url}/_mock/requests?limit=1`)).json()) as any).data[0].response).toBeNull();
    } finally {
      await mock.close();
    }
  });
});
