import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { startCli } from '../helpers/cli.js';

const rssMb = (pid: number, field: 'VmRSS' | 'VmHWM') =>
  Math.round(Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);

/** Runs `count` tasks, `width` at a time. */
async function pool(count: number, width: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

function chunkedWithPrefer(port: number, megabytes: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        'POST /v1/tickets HTTP/1.1\r\nHost: x\r\nPrefer: code=500\r\nAuthorization: Bearer sk_test_commflow\r\n' +
          'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
      );
      const chunk = Buffer.alloc(256 * 1024, 'a');
      let sent = 0;
      const pump = () => {
        while (sent < megabytes * 4 && !socket.destroyed) {
          sent++;
          if (!socket.write(`${chunk.length.toString(16)}\r\n${chunk.toString()}\r\n`)) return socket.once('drain', pump);
        }
        socket.end('0\r\n\r\n');
      };
      pump();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve());
    setTimeout(() => socket.destroy(), 10_000).unref();
  });
}

describe('under hostile traffic, with a 128 MB heap', () => {
  it('stays up with bounded memory', async () => {
    // The young generation is pinned too: Node 24's V8 grows it to 128 MB under load by itself (22's
    // to 64 MB), which is V8's choice of speed over memory, not memory the server holds.
    const mock = await startCli(['--port', '0', '--log-level', 'error'], {}, ['--max-old-space-size=128', '--max-semi-space-size=16']);
    const pid = mock.proc.pid!;
    const port = Number(new URL(mock.url).port);
    try {
      const idle: Socket[] = [];
      let closedByServer = 0;
      // In batches, each connected before the next, so that none waits in the listen backlog.
      for (let batch = 0; batch < 20; batch++) {
        await Promise.all(
          Array.from(
            { length: 100 },
            () =>
              new Promise<void>((resolve) => {
                const s = connect(port, '127.0.0.1', () => resolve());
                s.on('error', () => resolve());
                s.on('close', () => closedByServer++);
                s.resume();
                idle.push(s);
              }),
          ),
        );
      }
      const mib = 'x'.repeat(1024 * 1024 - 64);
      // A keyless body is never read: the 401 comes and the connection closes while the client may
      // still be sending (undici then reports EPIPE or "other side closed", more often on a loaded box).
      await pool(600, 16, () =>
        fetch(`${mock.url}/v1/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"subject":"${mib}"}` })
          .then((r) => r.arrayBuffer())
          .catch((err: Error & { cause?: { code?: string } }) => {
            if (!/EPIPE|ECONNRESET|UND_ERR_SOCKET/.test(String(err.cause?.code ?? err.cause))) throw err;
          }),
      );
      await pool(40, 8, () => chunkedWithPrefer(port, 40));
      await pool(5_000, 32, (i) =>
        fetch(`${mock.url}/v1/me`, { headers: { authorization: `Bearer junk_${i}_${'j'.repeat(4000)}` } }).then((r) => r.arrayBuffer()),
      );
      await pool(11_000, 32, (i) =>
        fetch(`${mock.url}/oauth/authorize?response_type=code&client_id=commflow_client&redirect_uri=http://127.0.0.1/cb&state=${i}`, {
          redirect: 'manual',
        }).then((r) => r.arrayBuffer()),
      );
      // Keyless restores of 15 MiB of junk, a few at once (the control plane is open without --admin-token).
      const junk = `{"version":1,"apiKeys":[],"workspaces":{"ws_x":${JSON.stringify({ junk: 'j'.repeat(15 * 1024 * 1024) })}}}`;
      await pool(6, 2, () =>
        fetch(`${mock.url}/_mock/state`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: junk }).then((r) => r.arrayBuffer()),
      );
      // Idle sockets closed by the server (after its 10 s idle time; most already were).
      await vi.waitUntil(() => closedByServer === idle.length, { timeout: 15_000, interval: 50 });
      const health = await fetch(`${mock.url}/_mock/health`);
      expect(health.status).toBe(200);
      const journal = (await (await fetch(`${mock.url}/_mock/requests?limit=10000`)).json()) as { data: unknown[] };
      expect(journal.data.length).toBeGreaterThan(0);
      for (const s of idle) s.destroy();
      expect(rssMb(pid, 'VmHWM'), 'peak RSS in MB').toBeLessThan(400);
      expect(mock.proc.exitCode).toBeNull();
    } finally {
      expect(await mock.stop()).toBe(0);
    }
    expect(mock.output()).not.toMatch(/heap|FATAL|unhandled/i);
  }, 180_000);
});
