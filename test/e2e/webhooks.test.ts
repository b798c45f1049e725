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
      const secret = /secret (whsec_\S+)\)/.exec(await cli.waitForOutput(/secret whsec_\S+\)/))?.[1];
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
    // The endpoint fails until the second run: the delivery is still pending when the first one dies.
    let up = false;
    const receiver = await startReceiver(() => ({ status: up ? 200 : 503 }));
    const first = await startCli(['--port', '0', '--data', file, '--log-level', 'silent', '--webhook-retries', '10m']);
    const hook = (await (
      await fetch(`${first.url}/v1/webhooks`, { method: 'POST', headers: auth, body: JSON.stringify({ url: receiver.url, events: ['ticket.created'] }) })
    ).json()) as { data: { id: string } };
    await fetch(`${first.url}/v1/tickets`, { method: 'POST', headers: auth, body: JSON.stringify({ subject: 'Survive' }) });
    const flushed = (await (await fetch(`${first.url}/_mock/webhooks/flush`, { method: 'POST' })).json()) as { data: { pending: number } };
    expect(flushed.data.pending).toBe(1);
    expect(receiver.received).toHaveLength(1);
    await first.stop('SIGKILL');

    up = true;
    const second = await startCli(['--port', '0', '--data', file, '--log-level', 'silent', '--webhook-retries', '10m']);
    try {
      const listed = (await (await fetch(`${second.url}/v1/webhooks/${hook.data.id}`, { headers: auth })).json()) as { data: { url: string } };
      expect(listed.data.url).toBe(receiver.url);
      const done = (await (
        await fetch(`${second.url}/_mock/webhooks/flush`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ advance_clock: true }),
        })
      ).json()) as { data: { pending: number; succeeded: number } };
      expect(done.data).toMatchObject({ pending: 0, succeeded: 1 });
      // The same event, sent again by the second run: at-least-once, deduplicated by webhook-id.
      expect(receiver.received.map((r) => r.json.data.subject)).toEqual(['Survive', 'Survive']);
      expect(receiver.received[1]!.headers['webhook-id']).toBe(receiver.received[0]!.headers['webhook-id']);
    } finally {
      await second.stop();
      await receiver.close();
    }
  });
});
