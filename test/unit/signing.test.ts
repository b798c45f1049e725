import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { sign, verifyWebhook, WebhookVerificationError } from '../../src/webhooks/signing.js';

const secret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
const body = JSON.stringify({ id: 'evt_1', event: 'ticket.created', timestamp: '2026-01-15T10:30:00Z', data: { id: 'ticket_123' } });

describe('Standard Webhooks signatures', () => {
  it('our signature verifies with the standardwebhooks package', () => {
    const ts = Math.floor(Date.now() / 1000);
    const headers = { 'webhook-id': 'evt_1', 'webhook-timestamp': String(ts), 'webhook-signature': sign(secret, 'evt_1', ts, body) };
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('the package’s signature verifies with verifyWebhook', () => {
    const ts = new Date();
    const signature = new Webhook(secret).sign('evt_2', ts, body);
    const headers = { 'webhook-id': 'evt_2', 'webhook-timestamp': String(Math.floor(ts.getTime() / 1000)), 'webhook-signature': signature };
    expect(verifyWebhook(secret, headers, body)).toEqual(JSON.parse(body));
    expect(verifyWebhook(secret, new Headers(headers), Buffer.from(body))).toEqual(JSON.parse(body));
  });

  it('rejects a changed body, another secret, a stale timestamp and missing headers', () => {
    const ts = Math.floor(Date.now() / 1000);
    const headers = { 'webhook-id': 'evt_1', 'webhook-timestamp': String(ts), 'webhook-signature': sign(secret, 'evt_1', ts, body) };
    expect(() => verifyWebhook(secret, headers, body.replace('123', '124'))).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(`whsec_${Buffer.from('x'.repeat(32)).toString('base64')}`, headers, body)).toThrow(/signature/);
    expect(() => verifyWebhook(secret, headers, body, { now: Date.now() + 600_000 })).toThrow(/tolerance/);
    expect(verifyWebhook(secret, headers, body, { now: Date.now() + 200_000 })).toBeTruthy();
    expect(() => verifyWebhook(secret, {}, body)).toThrow(/Missing/);
  });

  it('accepts any of several space-separated signatures', () => {
    const ts = Math.floor(Date.now() / 1000);
    const headers = { 'webhook-id': 'e', 'webhook-timestamp': String(ts), 'webhook-signature': `v1,bogus== ${sign(secret, 'e', ts, body)}` };
    expect(verifyWebhook(secret, headers, body)).toBeTruthy();
  });
});
