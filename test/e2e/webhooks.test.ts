import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../src/index.js';
import { startCli } from '../helpers/cli.js';
import { startReceiver } from '../helpers/receiver.js';

const auth = { authorization: 'Bearer sk_test_commflow', 'content-type': 'application/json' };

describe('webhooks through the built CLI', () => {
  it('--webhook subscribes at start, prints the secret, and deliveries verify', async () => {
    const receiver = await startReceiver();
    const cli = await startCli(['--port', '0', '--webhook', receiver.url]);
    try {
      await new Promise((r) => setTimeout(r, 50));
      const secret = /secret (whsec_\S+)\)/.exec(cli.output())?.[1];
      expect(secret).toBeDefined();
      await fetch(`${cli.url}/v1/tickets`, { method: 'POST', headers: auth, body: JSON.stringify({ subject: 'From the CLI' }) });
      const [got] = await receiver.waitFor(1);
      expect(verifyWebhook(secret!, got!.headers as Record<string, string>, got!.body)).toMatchObject({ event: 'ticket.created' });
    } finally {
      await cli.stop();
      await receiver.close();
    }
  });

  it('with --data, subscriptions and undelivered events survive a restart (at-least-once)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cfm-hooks-')), 'state.json');
    const down = await startReceiver();
    const url = down.url;
    await down.close();
    const first = await startCli(['--port', '0', '--data', file, '--log-level', 'silent', '--webhook-retries', '10m']);
    const hook = await (await fetch(`${first.url}/v1/webhooks`, { method: 'POST', headers: auth, body: JSON.stringify({ url, events: ['ticket.created'] }) })).json() as { data: { id: string; secret: string } };
    await fetch(`${first.url}/v1/tickets`, { method: 'POST', headers: auth, body: JSON.stringify({ subject: 'Survive' }) });
    const flushed = await (await fetch(`${first.url}/_mock/webhooks/flush`, { method: 'POST' })).json() as { data: { pending: number } };
    expect(flushed.data.pending).toBe(1);
    await first.stop('SIGKILL');

    const port = Number(new URL(url).port);
    const { createServer } = await import('node:http');
    const bodies: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        bodies.push(body);
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    const second = await startCli(['--port', '0', '--data', file, '--log-level', 'silent', '--webhook-retries', '10m']);
    try {
      const listed = await (await fetch(`${second.url}/v1/webhooks/${hook.data.id}`, { headers: auth })).json() as { data: { url: string } };
      expect(listed.data.url).toBe(url);
      const done = await (await fetch(`${second.url}/_mock/webhooks/flush`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advance_clock: true }),
      })).json() as { data: { pending: number; succeeded: number } };
      expect(done.data).toMatchObject({ pending: 0, succeeded: 1 });
      expect(bodies.map((b) => JSON.parse(b).data.subject)).toEqual(['Survive']);
    } finally {
      await second.stop();
      server.closeAllConnections();
      server.close();
    }
  });
});
