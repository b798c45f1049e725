import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/cli.js';
import { assertMatchesSpec } from '../helpers/spec-check.js';

const auth = { authorization: 'Bearer sk_test_commflow' };

async function getJson(url: string, init: RequestInit = {}) {
  const res = await fetch(url, init);
  const body = res.status === 204 ? null : await res.json();
  await assertMatchesSpec(init.method ?? 'GET', new URL(url).pathname + new URL(url).search, res.status, body);
  return { status: res.status, body: body as any };
}

describe('the built CLI', () => {
  it('serves on a free port, prints its URL and keys, and exits cleanly on SIGTERM', async () => {
    const cli = await startCli(['--port', '0']);
    try {
      expect(cli.output()).toContain('sk_test_commflow');
      expect(cli.output()).toContain('sk_live_commflow');
      const me = await getJson(`${cli.url}/v1/me`, { headers: auth });
      expect(me.status).toBe(200);
      expect(me.body.data.id).toBe('user_123');
    } finally {
      expect(await cli.stop('SIGTERM')).toBe(0);
    }
  });

  it('logs one JSON line per request with --log-format json', async () => {
    const cli = await startCli(['--port', '0', '--log-format', 'json']);
    try {
      await getJson(`${cli.url}/v1/tickets/ticket_123`, { headers: auth });
      await cli.waitForOutput('"msg":"request"');
      const line = cli
        .output()
        .split('\n')
        .find((l) => l.includes('"msg":"request"'));
      expect(JSON.parse(line!)).toMatchObject({ method: 'GET', path: '/v1/tickets/ticket_123', status: 200, workspace: 'ws_456' });
    } finally {
      await cli.stop();
    }
  });

  it('the banner shows the API, keys, playground, spec, control plane and how to stop; / leads to the playground', async () => {
    const cli = await startCli(['--port', '0']);
    try {
      await cli.waitForOutput('Ctrl+C');
      const out = cli.output();
      for (const path of ['/v1', '/docs', '/openapi.yaml', '/_mock']) expect(out).toContain(`${cli.url}${path}`);
      expect(out).toMatch(/Press Ctrl\+C to stop/);
      const root = await fetch(`${cli.url}/`, { redirect: 'manual' });
      expect(root.status).toBe(302);
      expect(new URL(root.headers.get('location')!, cli.url).href).toBe(`${cli.url}/docs`);
      expect((await fetch(`${cli.url}/`)).headers.get('content-type')).toContain('text/html');
    } finally {
      await cli.stop();
    }
  });

  it('logs why an error was answered: its code and param', async () => {
    const cli = await startCli(['--port', '0', '--log-format', 'json']);
    try {
      const res = await fetch(`${cli.url}/v1/tickets?stauts=open`, { headers: auth });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toBe("Unknown query parameter 'stauts'. Did you mean 'status'?");
      await cli.waitForOutput('"status":400');
      const line = cli
        .output()
        .split('\n')
        .find((l) => l.includes('"status":400'));
      expect(JSON.parse(line!)).toMatchObject({ msg: 'request', path: '/v1/tickets', status: 400, error: { code: 'unknown_parameter', param: 'stauts' } });
    } finally {
      await cli.stop();
    }
  });

  it('a port in use is one line that suggests --port 0, and exit code 1', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as { port: number };
    try {
      const r = await runCli(['--port', String(port), '--host', '127.0.0.1']);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`port ${port} is already in use`);
      expect(r.stderr).toContain('--port 0');
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('--seed -1 and --latency -5 say what the flag accepts, not that the argument is ambiguous', async () => {
    for (const [args, message] of [
      [['--seed', '-1'], "commflow-mock: Invalid --seed '-1': expected a whole number, 0 or more. (see --help)"],
      [['--latency', '-5'], "commflow-mock: Invalid --latency '-5': expected a whole number, 0 or more. (see --help)"],
      [['--seed=-1'], "commflow-mock: Invalid --seed '-1': expected a whole number, 0 or more. (see --help)"],
    ] as const) {
      const r = await runCli([...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`${message}\n`);
    }
  });

  it('exits cleanly on SIGINT', async () => {
    const cli = await startCli(['--port', '0', '--log-level', 'silent']);
    expect(await cli.stop('SIGINT')).toBe(0);
  });

  it('an unknown flag or a bad value is a one-line error and exit code 2', async () => {
    for (const args of [['--nope'], ['--port', 'x'], ['--plan', 'gold']]) {
      const r = await runCli(args);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('`commflow-mock scenarios` prints the conformance catalogue and exits', async () => {
    const out = await runCli(['scenarios']);
    expect(out.code).toBe(0);
    for (const name of ['rate-limit', 'server-errors', 'dropped-connection', 'token-expiry', 'pagination', 'webhook-receiver']) {
      expect(out.stdout).toMatch(new RegExp(`^${name}$`, 'm'));
    }
    expect(out.stdout).toContain('    retry_after_s  Seconds each 429 says to wait (Retry-After). Default 1.');
    expect(out.stdout).toContain('    waited-retry-after');
    expect(out.stdout).toContain('POST /_mock/scenarios');
  });

  it('--help and --version', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--port');
    const version = await runCli(['--version']);
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(version.stdout.trim()).toBe(pkg.version);
  });

  it('with --data, every acknowledged write survives even a kill -9', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cfm-data-')), 'state.json');
    const first = await startCli(['--port', '0', '--data', file, '--log-level', 'silent']);
    const created = await getJson(`${first.url}/v1/contacts`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'durable@example.com', name: 'Dura Ble' }),
    });
    expect(created.status).toBe(201);
    const removed = await getJson(`${first.url}/v1/tickets/ticket_124`, { method: 'DELETE', headers: auth });
    expect(removed.status).toBe(204);
    await first.stop('SIGKILL');

    const second = await startCli(['--port', '0', '--data', file, '--log-level', 'silent']);
    try {
      const again = await getJson(`${second.url}/v1/contacts/${created.body.data.id}`, { headers: auth });
      expect(again.status).toBe(200);
      expect(again.body.data.email).toBe('durable@example.com');
      expect((await getJson(`${second.url}/v1/tickets/ticket_124`, { headers: auth })).status).toBe(404);
      expect((await getJson(`${second.url}/v1/tickets/ticket_123`, { headers: auth })).status).toBe(200);
    } finally {
      await second.stop();
    }
  });

  it('a data file that is not ours is refused with a clear message', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cfm-data-')), 'other.json');
    (await import('node:fs')).writeFileSync(file, '{"hello": "world"}');
    const r = await runCli(['--port', '0', '--data', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not a commflow-mock data file');
  });
});
