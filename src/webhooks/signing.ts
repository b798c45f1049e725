import { createHmac, timingSafeEqual } from 'node:crypto';

/** The HMAC key of a `whsec_<base64>` secret (Standard Webhooks). */
function keyOf(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
}

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, the Standard Webhooks signature. */
export function sign(secret: string, id: string, timestamp: number | string, body: string): string {
  return `v1,${createHmac('sha256', keyOf(secret)).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

export interface VerifyOptions {
  /** Largest allowed distance between the timestamp and `now`, in seconds (default 300). */
  toleranceSeconds?: number;
  /** Current time in ms; pass the mock clock's time when it is frozen or shifted. */
  now?: number;
}

export class WebhookVerificationError extends Error {}

function header(headers: Headers | Record<string, string | string[] | undefined>, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const found = Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
  return Array.isArray(found) ? found[0] : found;
}

/**
 * Verifies a delivery from commflow-mock (or any Standard Webhooks sender): the signature over
 * the raw body, and a timestamp within tolerance. Returns the parsed payload; throws otherwise.
 */
export function verifyWebhook<T = unknown>(
  secret: string,
  headers: Headers | Record<string, string | string[] | undefined>,
  rawBody: string | Buffer,
  options: VerifyOptions = {},
): T {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) throw new WebhookVerificationError('Missing webhook-id, webhook-timestamp or webhook-signature header.');
  const seconds = Number(timestamp);
  const now = (options.now ?? Date.now()) / 1000;
  if (!Number.isInteger(seconds) || Math.abs(now - seconds) > (options.toleranceSeconds ?? 300)) {
    throw new WebhookVerificationError('The webhook-timestamp is not within tolerance.');
  }
  const body = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
  const expected = Buffer.from(sign(secret, id, timestamp, body).slice(3), 'base64');
  const match = signatures.split(' ').some((candidate) => {
    const [version, value] = candidate.split(',');
    if (version !== 'v1' || !value) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!match) throw new WebhookVerificationError('No webhook-signature matches.');
  return JSON.parse(body) as T;
}
