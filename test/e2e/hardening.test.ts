import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startServer, type MockServer } from '../../src/server.js';

// The server's own socket handling with its timeouts cut from 10 s to 1 s, so that what it does to
// idle and slow clients shows in a second (the CLI runs the same listen(): see cli.test.ts).
let mock: MockServer;
/** The server's side of each connection, by the client's local port. */
const serverSide = new Map<number, Socket>();
beforeAll(async () => {
  mock = await startServer({ port: 0, logLevel: 'silent', rateLimit: false, connectionTimeouts: { headersMs: 1000, idleMs: 1000 } });
  mock.server.on('connection', (s: Socket) => serverSide.set(s.remotePort!, s));
});
afterAll(() => mock.close());

function open(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(mock.port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
    socket.resume();
  });
}

const closed = (socket: Socket) =>
  new Promise<void>((resolve) => {
    if (socket.destroyed) resolve();
    socket.once('close', () => resolve());
    socket.on('error', () => undefined);
  });

describe('connections', () => {
  it('a body cut short of its Content-Length gives its share of the body budget back', async () => {
    // 80 × 1 MB declared is past the 64 MiB budget of /v1 bodies: were a share kept, the last request would wait forever.
    const cut = await Promise.all(Array.from({ length: 80 }, open));
    for (const socket of cut) {
      socket.write('POST /v1/tickets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk_test_commflow\r\n');
      socket.write('Content-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{"subject":"');
    }
    const ports = cut.map((s) => s.localPort!);
    await vi.waitUntil(() => ports.every((p) => serverSide.has(p)), { timeout: 10_000, interval: 10 });
    for (const socket of cut) socket.destroy();
    await vi.waitUntil(() => ports.every((p) => serverSide.get(p)!.destroyed), { timeout: 10_000, interval: 10 });
    const res = await fetch(`${mock.url}/v1/tickets`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk_test_commflow', 'content-type': 'application/json' },
      body: `${JSON.stringify({ subject: 'whole' })}${' '.repeat(999_000)}`, // 1 MB of valid JSON
    });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { data: { subject: string } }).data.subject).toBe('whole');
  });

  it('drops sockets that send nothing, headers that trickle, and a client that stops reading, and keeps serving', async () => {
    // A client that asks for an answer far larger than the socket buffers, and does not read it.
    for (let i = 0; i < 40; i++) await fetch(`${mock.url}/_mock/workspaces`, { method: 'POST' });
    const stuck = await open();
    stuck.pause();
    stuck.on('error', () => undefined);
    stuck.write('GET /_mock/state HTTP/1.1\r\nHost: x\r\n\r\n');
    const idle = await Promise.all(Array.from({ length: 300 }, open));
    const slow = await open();
    slow.write('GET /v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk_test_commflow\r\n');
    // A byte every 200 ms: never idle for the idle time, but the headers never end.
    const trickle = setInterval(() => slow.writable && slow.write('X'), 200);
    const ends = [...idle, slow].map(closed);
    const res = await fetch(`${mock.url}/v1/me`, { headers: { authorization: 'Bearer sk_test_commflow' } });
    expect(res.status).toBe(200);
    await Promise.all(ends);
    clearInterval(trickle);
    // The server gives up on the client that does not read once its answer has made no progress for the idle time.
    await vi.waitUntil(() => serverSide.get(stuck.localPort!)?.destroyed, { timeout: 10_000, interval: 20 });
    let got = 0;
    stuck.on('data', (d: Buffer) => (got += d.length));
    const stuckEnded = closed(stuck);
    stuck.resume();
    await stuckEnded;
    const length = Number((await fetch(`${mock.url}/_mock/state`)).headers.get('content-length'));
    expect(length).toBeGreaterThan(8 * 1024 * 1024);
    expect(got).toBeLessThan(length);
    expect((await fetch(`${mock.url}/_mock/health`)).status).toBe(200);
  }, 20_000);

  it('never reads a chunked body past --body-limit, even when Prefer answers early', async () => {
    const socket = await open();
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    const ended = closed(socket);
    socket.write(
      'POST /v1/tickets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk_test_commflow\r\nPrefer: code=500\r\n' +
        'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
    );
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    while (!socket.destroyed && sent < 64 * 1024 * 1024) {
      const ok = socket.write(`${chunk.length.toString(16)}\r\n`) && socket.write(chunk) && socket.write('\r\n');
      sent += chunk.length;
      if (!ok) await Promise.race([new Promise((r) => socket.once('drain', r)), ended]);
    }
    await ended;
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
    expect(answer).toContain('payload_too_large');
    // 1 MiB read, plus what the kernel's socket buffers took before the server closed the connection.
    expect(sent).toBeLessThan(16 * 1024 * 1024);
  }, 30_000);

  it('answers a request without a key at once, never waiting for (or reading) its body', async () => {
    const sockets = await Promise.all(Array.from({ length: 200 }, open));
    const answers = sockets.map(
      (socket, i) =>
        new Promise<string>((resolve) => {
          let answer = '';
          socket.on('data', (d: Buffer) => {
            answer += d.toString();
            if (answer.includes('missing_api_key')) resolve(answer);
          });
          socket.on('close', () => resolve(answer));
          socket.on('error', () => undefined);
          // Half of them declare a length, half are chunked; none sends more than a few bytes of its body.
          socket.write(
            i % 2
              ? 'POST /v1/tickets HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{"subject":'
              : 'POST /v1/tickets HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nb\r\n{"subject":\r\n',
          );
        }),
    );
    // Every keyless request is answered although none sends its body.
    for (const a of await Promise.all(answers)) expect(a).toMatch(/^HTTP\/1\.1 401[\s\S]*missing_api_key/);
    for (const s of sockets) s.destroy();
  });
});
