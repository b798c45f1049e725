import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOperations } from '../../src/openapi/operations.js';
import { loadSpec } from '../../src/openapi/spec.js';
import { startCli, type Running } from '../helpers/cli.js';
import { fuzzRequest, Generator, rng } from '../helpers/fuzz.js';

/** Raw bytes and odd HTTP over real sockets; `npm run fuzz` raises the count with FUZZ_SOCKETS. */
const TOTAL = Number(process.env.FUZZ_SOCKETS ?? 400);
const SEED = Number(process.env.FUZZ_SEED ?? 20261124);

let mock: Running;
let port: number;
beforeAll(async () => {
  mock = await startCli(['--port', '0', '--log-level', 'error', '--no-rate-limit']);
  port = Number(new URL(mock.url).port);
});
afterAll(async () => {
  expect(await mock.stop()).toBe(0);
});

interface Outcome {
  answer: string;
  reset: boolean;
}

/** Sends bytes, half-closes, and collects whatever comes back until the server closes (or 3 s). */
function exchange(parts: (string | Buffer)[], opts: { endWrite?: boolean } = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    let reset = false;
    const timer = setTimeout(() => socket.destroy(), 3000);
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNRESET') reset = true;
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ answer, reset });
    });
    socket.on('connect', () => {
      for (const p of parts) socket.write(p);
      if (opts.endWrite !== false) socket.end();
    });
  });
}

const r = rng(SEED);
const int = (min: number, max: number) => min + Math.floor(r() * (max - min + 1));
const AUTH = 'Authorization: Bearer sk_test_commflow\r\n';

/** Raw requests that are not (quite) HTTP. */
const GARBAGE: (() => (string | Buffer)[])[] = [
  () => [Buffer.from(Array.from({ length: int(1, 4000) }, () => int(0, 255)))],
  () => ['GET\r\n\r\n'],
  () => ['GET / HTTP/9.9\r\n\r\n'],
  () => [`${['TRACE', 'CONNECT', 'BREW', 'get', 'G\u00c9T'][int(0, 4)]} /v1/me HTTP/1.1\r\nHost: x\r\n${AUTH}\r\n`],
  () => [`GET /${'a'.repeat(int(9000, 70000))} HTTP/1.1\r\nHost: x\r\n\r\n`],
  () => [`GET /v1/me HTTP/1.1\r\nHost: x\r\n${AUTH}X-Huge: ${'h'.repeat(int(17000, 40000))}\r\n\r\n`],
  () => [`GET /v1/me HTTP/1.1\r\nHost: x\r\n${'X-Many: y\r\n'.repeat(int(200, 3000))}${AUTH}\r\n`],
  () => [`POST /v1/tickets HTTP/1.1\r\nHost: x\r\n${AUTH}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`],
  () => [`POST /v1/tickets HTTP/1.1\r\nHost: x\r\n${AUTH}Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"subject":`],
  () => [`POST /v1/tickets HTTP/1.1\r\nHost: x\r\n${AUTH}Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!`],
  () => [`POST /v1/tickets HTTP/1.1\r\nHost: x\r\n${AUTH}Content-Length: -1\r\n\r\n`],
  () => [`POST /v1/tickets HTTP/1.1\r\nHost: x\r\n${AUTH}Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n`],
  () => ['GET /v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk_test_commflow\r\nBad Header Line\r\n\r\n'],
  () => ['GET /v1/me HTTP/1.0\r\n\r\n'],
  () => ['GET /v1/me\r\n'],
  () => ['\r\n\r\n\r\n'],
  () => [`GET /v1/me HTTP/1.1\r\nHost: x\r\n${AUTH}\r\n`.repeat(int(2, 20))],
  () => `GET /v1/tickets/ticket_123 HTTP/1.1\r\nHost: x\r\n${AUTH}\r\n`.split(''),
  () => [`GET /v1/tickets?q=${'%'.repeat(int(1, 50))} HTTP/1.1\r\nHost: x\r\n${AUTH}\r\n`],
  () => [`GET /v1/tickets/%E0%A4%A HTTP/1.1\r\nHost: x\r\n${AUTH}\r\n`],
  () => [`GET /..%2f..%2fetc/passwd HTTP/1.1\r\nHost: x\r\n\r\n`],
  () => [`GET /v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \u0000\u0001\r\n\r\n`],
];

/** The status, content type and body of the first response in what came back. */
function firstResponse(answer: string): { status: number; body: string; type: string } | undefined {
  const m = /^HTTP\/1\.[01] (\d{3}) [^\r\n]*\r\n([\s\S]*?)\r\n\r\n([\s\S]*)$/.exec(answer);
  if (!m) return undefined;
  const head = m[2]!;
  const type = /content-type: *([^\r\n]*)/i.exec(head)?.[1] ?? '';
  const length = /content-length: *(\d+)/i.exec(head)?.[1];
  let body = m[3]!;
  if (length !== undefined) body = body.slice(0, Number(length));
  else if (/transfer-encoding: *chunked/i.test(head)) {
    const chunk = /^([0-9a-f]+)\r\n/i.exec(body);
    body = chunk ? body.slice(chunk[0].length, chunk[0].length + parseInt(chunk[1]!, 16)) : '';
  }
  return { status: Number(m[1]), body, type };
}

describe(`fuzzing the server over sockets (${TOTAL} exchanges, seed ${SEED})`, () => {
  it('answers garbage with an error in the envelope (or closes), never crashes, never resets a well-formed request', async () => {
    const spec = await loadSpec();
    // Fault rules (and the scenarios that arm them) drop connections and answer 5xx on purpose: the fuzzer must not create them.
    const operations = buildOperations(spec).filter((op) => op.id !== 'mockCreateFault' && op.id !== 'mockArmScenario');
    const g = new Generator(spec, r);
    const failures: string[] = [];
    for (let n = 0; n < TOTAL && failures.length < 5; n++) {
      const wellFormed = r() < 0.5;
      let parts: (string | Buffer)[];
      let label: string;
      if (wellFormed) {
        const op = operations[int(0, operations.length - 1)]!;
        const req = fuzzRequest({ spec, operations, credentials: ['sk_test_commflow', null], ids: { id: ['ticket_123', 'conv_123'] } }, g, r, op);
        const body = req.body ?? '';
        const headers = Object.entries({ host: 'x', ...req.headers, 'content-length': String(Buffer.byteLength(body)), connection: 'close' })
          .filter(([k]) => !['transfer-encoding'].includes(k))
          .map(([k, v]) => `${k}: ${v.replace(/[\r\n]/g, '')}\r\n`)
          .join('');
        parts = [`${req.method} ${req.path} HTTP/1.1\r\n${headers}\r\n`, body];
        label = `${req.method} ${req.path.slice(0, 80)} (${req.how})`;
      } else {
        const make = GARBAGE[int(0, GARBAGE.length - 1)]!;
        parts = make();
        label = `garbage ${GARBAGE.indexOf(make)}: ${String(parts[0])
          .slice(0, 60)
          .replace(/[\r\n]/g, ' ')}`;
      }
      const { answer, reset } = await exchange(parts);
      const res = firstResponse(answer);
      if (wellFormed && reset) failures.push(`#${n} ${label}: connection reset`);
      if (wellFormed && !res) failures.push(`#${n} ${label}: no answer`);
      if (res && res.status >= 500 && !/code\s*=\s*5/.test(String(parts[0]))) failures.push(`#${n} ${label}: ${res.status}`);
      if (res && res.status >= 400 && res.body && !res.type.includes('html')) {
        try {
          const json = JSON.parse(res.body) as { error?: { type?: string } | string };
          // /oauth answers in RFC 6749's envelope ({"error": "invalid_client", ...}); everything else in CommFlow's.
          const ok = typeof json.error === 'string' ? label.includes('/oauth/') : Boolean(json.error?.type);
          if (!ok) failures.push(`#${n} ${label}: ${res.status} without the envelope`);
        } catch {
          failures.push(`#${n} ${label}: ${res.status} with a non-JSON body ${res.body.slice(0, 80)}`);
        }
      }
      if (n % 50 === 0) {
        const health = await fetch(`${mock.url}/_mock/health`);
        expect(health.status, `after #${n} ${label}`).toBe(200);
      }
    }
    expect(failures).toEqual([]);
    // The fuzzer may have revoked keys or restored odd states: after a reset, all is as at start.
    expect((await fetch(`${mock.url}/_mock/reset`, { method: 'POST' })).status).toBe(200);
    expect((await fetch(`${mock.url}/v1/me`, { headers: { authorization: 'Bearer sk_test_commflow' } })).status).toBe(200);
    expect(mock.output()).not.toMatch(/unhandled|FATAL|failed/i);
  }, 600_000);
});
