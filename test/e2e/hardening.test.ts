import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type Running } from '../helpers/cli.js';

let mock: Running;
let port: number;
beforeAll(async () => {
  mock = await startCli(['--port', '0', '--log-level', 'silent', '--no-rate-limit']);
  port = Number(new URL(mock.url).port);
});
afterAll(async () => {
  expect(await mock.stop()).toBe(0);
  expect(mock.output()).not.toMatch(/unhandled|FATAL/i);
});

function open(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
    socket.resume();
  });
}

const closed = (socket: Socket) => new Promise<number>((resolve) => {
  const t0 = performance.now();
  if (socket.destroyed) resolve(0);
  socket.once('close', () => resolve(performance.now() - t0));
  socket.on('error', () => undefined);
});

describe('connections', () => {
  it('drops sockets that send nothing, and headers that trickle, in seconds, and keeps serving', async () => {
    // A client that asks for an answer far larger than the socket buffers, and does not read it.
    for (let i = 0; i < 40; i++) await fetch(`${mock.url}/_mock/workspaces`, { method: 'POST' });
    const stuck = await open();
    stuck.pause();
    stuck.on('error', () => undefined);
    stuck.write('GET /_mock/state HTTP/1.1\r\nHost: x\r\n\r\n');
    const idle = await Promise.all(Array.from({ length: 300 }, open));
    const slow = await open();
    slow.write('GET /v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk_test_commflow\r\n');
    const trickle = setInterval(() => slow.writable && slow.write('X'), 500);
    const ends = [...idle, slow].map(closed);
    const res = await fetch(`${mock.url}/v1/me`, { headers: { authorization: 'Bearer sk_test_commflow' } });
    expect(res.status).toBe(200);
    const waited = await Promise.race([Promise.all(ends), new Promise<null>((r) => setTimeout(() => r(null), 16_000))]);
    clearInterval(trickle);
    expect(waited, 'every idle or trickling socket is closed within 16 s').not.toBeNull();
    // The server gives up on the client that does not read once its answer has made no progress for
    // the idle time (Node counts the kernel still taking bytes as progress: allow two periods).
    await new Promise((r) => setTimeout(r, 13_000));
    let got = 0;
    stuck.on('data', (d: Buffer) => (got += d.length));
    const stuckEnded = closed(stuck);
    stuck.resume();
    await stuckEnded;
    const length = Number((await fetch(`${mock.url}/_mock/state`)).headers.get('content-length'));
    expect(length).toBeGreaterThan(8 * 1024 * 1024);
    expect(got).toBeLessThan(length);
    expect((await fetch(`${mock.url}/_mock/health`)).status).toBe(200);
  }, 45_000);

  it('never reads a chunked body past --body-limit, even when Prefer answers early', async () => {
    const socket = await open();
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    const ended = closed(socket);
    socket.write('POST /v1/tickets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk_test_commflow\r\nPrefer: code=500\r\n'
      + 'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n');
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    while (!socket.destroyed && sent < 64 * 1024 * 1024) {
      const ok = socket.write(`${chunk.length.toString(16)}\r\n`) && socket.write(chunk) && socket.write('\r\n');
      sent += chunk.length;
      if (!ok) await Promise.race([new Promise((r) => socket.once('drain', r)), ended, new Promise((r) => setTimeout(r, 2000))]);
    }
    await Promise.race([ended, new Promise((r) => setTimeout(r, 5000))]);
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
    expect(answer).toContain('payload_too_large');
    // 1 MiB read, plus what the kernel's socket buffers took before the server closed the connection.
    expect(sent).toBeLessThan(16 * 1024 * 1024);
  }, 30_000);

  it('answers a request without a key at once, never waiting for (or reading) its body', async () => {
    const sockets = await Promise.all(Array.from({ length: 200 }, open));
    const answers = sockets.map((socket, i) => new Promise<string>((resolve) => {
      let answer = '';
      socket.on('data', (d: Buffer) => {
        answer += d.toString();
        if (answer.includes('missing_api_key')) resolve(answer);
      });
      socket.on('close', () => resolve(answer));
      socket.on('error', () => undefined);
      // Half of them declare a length, half are chunked; none sends more than a few bytes of its body.
      socket.write(i % 2
        ? 'POST /v1/tickets HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{"subject":'
        : 'POST /v1/tickets HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nb\r\n{"subject":\r\n');
    }));
    const all = await Promise.race([Promise.all(answers), new Promise<null>((r) => setTimeout(() => r(null), 8000))]);
    expect(all, 'every keyless request answered without sending its body').not.toBeNull();
    for (const a of all!) expect(a).toMatch(/^HTTP\/1\.1 401[\s\S]*missing_api_key/);
    for (const s of sockets) s.destroy();
  });
});
