import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli, startCli, type Running } from '../helpers/cli.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { assertMatchesSpec } from '../helpers/spec-check.js';

const auth = { authorization: 'Bearer sk_test_commflow', 'content-type': 'application/json' };
const running: Running[] = [];
const receivers: Receiver[] = [];
afterEach(async () => {
  for (const cli of running.splice(0)) if (cli.proc.exitCode === null) await cli.stop('SIGKILL');
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

const tempDir = () => mkdtempSync(join(tmpdir(), 'cfm-integrity-'));

async function start(args: string[]): Promise<Running> {
  const cli = await startCli(['--port', '0', '--log-level', 'error', ...args]);
  running.push(cli);
  return cli;
}

async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = auth) {
  const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  await assertMatchesSpec(method, path, res.status, res.status === 204 ? null : json);
  return { status: res.status, body: json };
}

describe('ids are never handed out twice for the life of a data file', () => {
  it('across 10 kill -9 and restarts: records, events and deliveries', async () => {
    const file = join(tempDir(), 'state.json');
    const receiver = await startReceiver();
    receivers.push(receiver);
    const seen = new Map<string, string>();
    const acknowledged: string[] = [];
    const note = (id: string, what: string) => {
      expect(seen.get(id), `${id} (${what}) was handed out before as ${seen.get(id)}`).toBeUndefined();
      seen.set(id, what);
    };
    for (let cycle = 0; cycle < 10; cycle++) {
      const cli = await start(['--data', file, '--webhook', receiver.url]);
      for (let i = 0; i < 3; i++) {
        const t = await call(cli.url, 'POST', '/v1/tickets', { subject: `Cycle ${cycle} #${i}` });
        expect(t.status).toBe(201);
        note(t.body.data.id, `ticket of cycle ${cycle}`);
        if (i === 0) expect((await call(cli.url, 'DELETE', `/v1/tickets/${t.body.data.id}`)).status).toBe(204);
      }
      const fired = await call(cli.url, 'POST', '/_mock/events', { event: 'contact.created' }, { 'content-type': 'application/json' });
      note(fired.body.data.event.id, `event of cycle ${cycle}`);
      await call(cli.url, 'POST', '/_mock/webhooks/flush', {}, { 'content-type': 'application/json' });
      // Killed with writes in flight: those answered must survive, the others may or may not.
      const burst = Array.from({ length: 20 }, (_, i) =>
        fetch(`${cli.url}/v1/contacts`, {
          method: 'POST',
          headers: auth,
          body: JSON.stringify({ email: `c${cycle}-${i}@example.com` }),
        })
          .then(async (r) => (r.status === 201 ? ((await r.json()) as { data: { id: string } }).data.id : undefined))
          .catch(() => undefined),
      );
      const first = await Promise.race(burst);
      await cli.stop('SIGKILL');
      for (const id of await Promise.all(burst)) if (id) acknowledged.push(id);
      expect(first ?? acknowledged.length).toBeTruthy();
    }
    const deliveries = new Set<string>();
    const cli = await start(['--data', file]);
    for (const id of acknowledged) {
      expect((await call(cli.url, 'GET', `/v1/contacts/${id}`)).status, `acknowledged ${id}`).toBe(200);
      note(id, 'acknowledged contact');
    }
    for (const d of (await call(cli.url, 'GET', '/_mock/webhooks/deliveries?limit=10000')).body.data) deliveries.add(d.id);
    // Each cycle: three ticket.created, one ticket.deleted, one contact.created, plus the acknowledged burst's contact.created.
    expect(deliveries.size).toBeGreaterThanOrEqual(10 * 5 + acknowledged.length);
    for (const id of deliveries) expect(seen.has(id)).toBe(false);
    // Events sent in different cycles never share a webhook-id (receivers deduplicate on it).
    const byId = new Map<string, string>();
    for (const r of receiver.received) {
      const id = String(r.headers['webhook-id']);
      expect(byId.get(id) ?? r.body, `webhook-id ${id} carried two different events`).toBe(r.body);
      byId.set(id, r.body);
    }
    expect(byId.size).toBeGreaterThanOrEqual(10 * 5);
  }, 180_000); // ten starts of the built CLI: ~10-20 s alone, several times that beside the suite on 2 cores

  it('a fresh start with the same seed is still byte-identical', async () => {
    const read = async () => {
      const cli = await start(['--seed', '5']);
      const made = await call(cli.url, 'POST', '/v1/tickets', { subject: 'Same' });
      // The new record's timestamps come from the real clock; the fixtures' do not.
      const list = await (await fetch(`${cli.url}/v1/tickets?per_page=100&created_before=2026-06-02`, { headers: auth })).text();
      await cli.stop();
      return [made.body.data.id, list];
    };
    expect(await read()).toEqual(await read());
  });
});

describe('a write lands, or answers an error and changes nothing', () => {
  it('when the disk refuses: 500 storage_error, no phantom, and it recovers', async () => {
    const dir = tempDir();
    const file = join(dir, 'state.json');
    const cli = await start(['--data', file]);
    const ok = await call(cli.url, 'POST', '/v1/tickets', { subject: 'Before' });
    expect(ok.status).toBe(201);
    const count = async () => (await call(cli.url, 'GET', '/v1/tickets?per_page=1')).body.meta.total_count as number;
    const before = await count();
    // The atomic write goes through a temporary file next to the data file: a directory there makes every write fail.
    mkdirSync(join(dir, '.state.json.tmp'));
    const failed = await call(cli.url, 'POST', '/v1/tickets', { subject: 'Lost' });
    expect(failed.status).toBe(500);
    expect(failed.body.error).toMatchObject({ type: 'api_error', code: 'storage_error' });
    expect(failed.body.error.message).toContain('nothing was changed');
    expect(await count()).toBe(before);
    expect((await call(cli.url, 'GET', '/v1/tickets?q=lost')).body.data).toEqual([]);
    const ws = await call(cli.url, 'POST', '/_mock/workspaces', {}, { 'content-type': 'application/json' });
    expect(ws.status).toBe(500);
    expect((await call(cli.url, 'GET', '/_mock/workspaces')).body.data).toHaveLength(1);
    expect((await call(cli.url, 'DELETE', `/v1/tickets/${ok.body.data.id}`)).status).toBe(500);
    expect((await call(cli.url, 'GET', `/v1/tickets/${ok.body.data.id}`)).status).toBe(200);
    rmSync(join(dir, '.state.json.tmp'), { recursive: true });
    const after = await call(cli.url, 'POST', '/v1/tickets', { subject: 'After' });
    expect(after.status).toBe(201);
    await cli.stop('SIGKILL');
    const again = await start(['--data', file]);
    const subjects = (await call(again.url, 'GET', '/v1/tickets?per_page=100&sort=created_at&order=desc')).body.data.map((t: { subject: string }) => t.subject);
    expect(subjects).toContain('Before');
    expect(subjects).toContain('After');
    expect(subjects).not.toContain('Lost');
  });

  it('workspace creation, reset and deletion are saved like any write', async () => {
    const file = join(tempDir(), 'state.json');
    const cli = await start(['--data', file]);
    const plain = { 'content-type': 'application/json' };
    const kept = (await call(cli.url, 'POST', '/_mock/workspaces', {}, plain)).body.data;
    const gone = (await call(cli.url, 'POST', '/_mock/workspaces', {}, plain)).body.data;
    const keptAuth = { authorization: `Bearer ${kept.api_key}`, 'content-type': 'application/json' };
    await call(cli.url, 'DELETE', '/v1/tickets/ticket_123', undefined, keptAuth);
    expect((await call(cli.url, 'POST', '/_mock/reset', { workspace_id: kept.workspace.id }, plain)).status).toBe(200);
    expect((await call(cli.url, 'DELETE', `/_mock/workspaces/${gone.workspace.id}`)).status).toBe(204);
    await cli.stop('SIGKILL');
    const again = await start(['--data', file]);
    const ids = (await call(again.url, 'GET', '/_mock/workspaces')).body.data.map((w: { id: string }) => w.id);
    expect(ids).toEqual(['ws_456', kept.workspace.id]);
    expect((await call(again.url, 'GET', '/v1/tickets/ticket_123', undefined, keptAuth)).status).toBe(200);
    expect((await call(again.url, 'GET', '/v1/me', undefined, { authorization: `Bearer ${gone.api_key}` })).status).toBe(401);
  });
});

describe('the data file it writes, it starts on', () => {
  it.each([
    ['a reset', ['POST', '/_mock/reset', {}]],
    ['a new key, first thing', ['POST', '/_mock/api-keys', { scopes: ['read:tickets'] }]],
    ['a new workspace, first thing', ['POST', '/_mock/workspaces', {}]],
  ] as const)('after %s', async (_name, [method, path, body]) => {
    const file = join(tempDir(), 'state.json');
    const cli = await start(['--data', file]);
    if (path === '/_mock/reset') await call(cli.url, 'POST', '/v1/tickets', { subject: 'before the reset' });
    expect((await call(cli.url, method, path, body, { 'content-type': 'application/json' })).status).toBeLessThan(300);
    expect(await cli.stop()).toBe(0);
    const again = await start(['--data', file]);
    expect((await call(again.url, 'GET', '/v1/me')).status).toBe(200);
  });
});

describe('start-up refuses what cannot work', () => {
  const refuses = async (args: string[], message: RegExp) => {
    const r = await runCli(['--port', '0', ...args]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  };

  it('a fixtures directory that does not exist', () =>
    refuses(['--fixtures', '/nonexistent/fixtures'], /fixtures directory \/nonexistent\/fixtures does not exist/));

  it('a fixture file with broken JSON, naming the file', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'tickets.json'), '[{"id": ');
    await refuses(['--fixtures', dir], new RegExp(`Fixture file ${join(dir, 'tickets.json')} is not valid JSON`));
  });

  it('a record that breaks its schema, naming the file, the record and the field', async () => {
    const dir = tempDir();
    const user = {
      id: 'user_123',
      email: 'developer@company.com',
      name: 'Developer',
      role: 'owner',
      created_at: '2025-06-01T00:00:00Z',
      updated_at: '2025-06-01T00:00:00Z',
    };
    writeFileSync(join(dir, 'users.json'), JSON.stringify([user]));
    writeFileSync(
      join(dir, 'tickets.json'),
      JSON.stringify([
        {
          id: 'ticket_1',
          subject: 'x',
          description: null,
          status: 'bogus',
          priority: 'low',
          assignee_id: null,
          contact_id: null,
          conversation_id: null,
          tags: [],
          created_at: '2025-06-01T00:00:00Z',
          updated_at: '2025-06-01T00:00:00Z',
        },
      ]),
    );
    await refuses(['--fixtures', dir], /tickets\.json, record 'ticket_1': The 'status' field must be one of: open, pending, resolved, closed/);
  });

  it('a workspace whose owner is not among the users', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'workspace.json'), JSON.stringify({ id: 'ws_x', name: 'X', owner_id: 'user_nobody', created_at: '2025-06-01T00:00:00Z' }));
    await refuses(['--fixtures', dir], /the owner 'user_nobody' is not one of the users/);
  });

  it("a data file holding null, or another program's JSON", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'null.json'), 'null');
    await refuses(['--data', join(dir, 'null.json')], /not a commflow-mock data file/);
    expect(readFileSync(join(dir, 'null.json'), 'utf8')).toBe('null');
  });

  it('a data file with a record that breaks its schema (ticket status 42, delivery history null)', async () => {
    const file = join(tempDir(), 'state.json');
    const cli = await start(['--data', file]);
    const hook = (await call(cli.url, 'POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/h', events: ['*'] })).body.data;
    await call(cli.url, 'POST', '/v1/tickets', { subject: 'x' });
    // A whole state in the file (as GET /_mock/state answers it) is read as well as the file's own form.
    const state = (await call(cli.url, 'GET', '/_mock/state')).body;
    await cli.stop();
    const good = JSON.stringify(state);
    state.workspaces.ws_456.collections.tickets.ticket_123.status = 42;
    writeFileSync(file, JSON.stringify(state));
    await refuses(['--data', file], /workspaces\.ws_456\.collections\.tickets\.ticket_123\.status' field must be/);
    const broken = JSON.parse(good);
    const [delivery] = Object.values(broken.workspaces.ws_456.collections.deliveries) as { webhook_id: string; history: unknown }[];
    expect(delivery!.webhook_id).toBe(hook.id);
    delivery!.history = null;
    writeFileSync(file, JSON.stringify(broken));
    await refuses(['--data', file], /history' field must be an array/);
  });

  it('a data file where no file can be written', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a-file'), '');
    await refuses(['--data', join(dir, 'a-file', 'state.json')], /Cannot create the directory of the data file/);
  });

  it('a missing directory for --data is created', async () => {
    const file = join(tempDir(), 'deeper', 'still', 'state.json');
    const cli = await start(['--data', file]);
    expect((await call(cli.url, 'POST', '/v1/tickets', { subject: 'x' })).status).toBe(201);
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    expect(manifest.version).toBe(2);
    expect(JSON.parse(readFileSync(join(`${file}.d`, manifest.workspaceFiles.ws_456), 'utf8')).workspace.id).toBe('ws_456');
  });
});

describe('a graceful stop', () => {
  it('lets a request in flight finish, then exits 0', async () => {
    const cli = await start([]);
    await call(cli.url, 'POST', '/_mock/faults', { path: '/v1/me', latency_ms: 1500 });
    const slow = fetch(`${cli.url}/v1/me`, { headers: auth });
    // In flight: the fault rule has taken it, and holds it for 1.5 s.
    await vi.waitUntil(async () => (await call(cli.url, 'GET', '/_mock/faults')).body.data[0].hits === 1, { timeout: 10_000, interval: 20 });
    const exited = cli.stop('SIGTERM');
    const res = await slow;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: { id: string } }).data.id).toBe('user_123');
    expect(await exited).toBe(0);
  });
});

describe("the control plane is not a web page's, nor a webhook's, to drive", () => {
  it('warns loudly when bound beyond loopback without --admin-token', async () => {
    const open = await start(['--host', '0.0.0.0']);
    // stderr and stdout are separate pipes: wait for the warning rather than assume their order.
    await open.waitForOutput('WARNING');
    expect(open.output()).toMatch(/WARNING: listening on 0\.0\.0\.0 without --admin-token/);
    const locked = await start(['--host', '0.0.0.0', '--admin-token', 'secret']);
    expect(locked.output()).not.toContain('WARNING');
  });

  it('refuses, when bound to loopback, a control request whose Host is another name (DNS rebinding)', async () => {
    const cli = await start([]);
    const port = new URL(cli.url).port;
    const { request } = await import('node:http');
    const ask = (host: string, method = 'GET', path = '/_mock/api-keys') =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, method, path, headers: { host, origin: `http://${host}` } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await ask(`attacker.example:${port}`)).toBe(403);
    expect(await ask(`attacker.example:${port}`, 'POST', '/_mock/reset')).toBe(403);
    expect(await ask(`localhost:${port}`)).toBe(200);
    expect(await ask(`127.0.0.1:${port}`)).toBe(200);
  });

  it('refuses webhook URLs that reach this server, in any spelling, and never follows redirects', async () => {
    const cli = await start([]);
    const port = new URL(cli.url).port;
    for (const host of ['127.0.0.1', 'localhost', 'LOCALHOST', '[::1]', '0.0.0.0', '127.1', '2130706433', '[::ffff:127.0.0.1]', 'app.localhost']) {
      const res = await call(cli.url, 'POST', '/v1/webhooks', { url: `http://${host}:${port}/_mock/reset`, events: ['*'] });
      expect(res.status, host).toBe(422);
      expect(res.body.error).toMatchObject({ param: 'url', code: 'invalid_url' });
    }
    const other = await call(cli.url, 'POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/elsewhere', events: ['*'] });
    expect(other.status).toBe(201);
    expect((await call(cli.url, 'PATCH', `/v1/webhooks/${other.body.data.id}`, { url: `http://localhost:${port}/_mock/reset` })).status).toBe(422);
    const receiver = await startReceiver();
    receivers.push(receiver);
    // A receiver that answers with a redirect (to anywhere, the mock's own control plane included).
    receiver.respond = () => ({ status: 307 });
    const hook = await call(cli.url, 'POST', '/v1/webhooks', { url: receiver.url, events: ['ticket.created'] });
    expect(hook.status).toBe(201);
    await call(cli.url, 'DELETE', `/v1/webhooks/${other.body.data.id}`);
    const made = await call(cli.url, 'POST', '/v1/tickets', { subject: 'Stays' });
    await receiver.waitFor(1);
    await call(cli.url, 'POST', '/_mock/webhooks/flush', {}, { 'content-type': 'application/json' });
    const [d] = (await call(cli.url, 'GET', '/_mock/webhooks/deliveries')).body.data;
    expect(d.error).toBe('The endpoint answered 307; redirects are not followed.');
    expect((await call(cli.url, 'GET', `/v1/tickets/${made.body.data.id}`)).status).toBe(200);
  });
});
