import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { verifyWebhook } from '../../src/webhooks/signing.js';

/**
 * Two reference CommFlow clients for the conformance scenarios (README "SDK conformance kit"):
 * one that does what the CommFlow overview and the HTTP RFCs ask, and a naive one that does what
 * a first draft of an SDK often does. Both talk to a real socket (a dropped connection is a
 * fetch error, as for any client).
 */

export interface Credentials {
  /** An API key, or an OAuth access token with what refreshes it. */
  apiKey?: string;
  oauth?: { accessToken: string; refreshToken: string; clientId: string; clientSecret: string };
}

export interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

export interface Client {
  request(method: string, path: string, body?: unknown, options?: { idempotencyKey?: string }): Promise<Answer>;
  /** Every record of a list, page by page. */
  listAll(path: string): Promise<unknown[]>;
}

const SAFE = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

abstract class Base implements Client {
  constructor(
    protected readonly baseUrl: string,
    protected credentials: Credentials,
  ) {}

  protected token(): string {
    return this.credentials.oauth?.accessToken ?? this.credentials.apiKey ?? '';
  }

  /** One attempt: the answer, or a thrown TypeError when the connection dropped. */
  protected async once(method: string, path: string, body: unknown, idempotencyKey?: string): Promise<Answer> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token()}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
  }

  abstract request(method: string, path: string, body?: unknown, options?: { idempotencyKey?: string }): Promise<Answer>;
  abstract listAll(path: string): Promise<unknown[]>;
}

export interface RetryPolicy {
  /** Attempts of one request, the first included. */
  maxAttempts: number;
  /** The first backoff delay; each next one doubles. */
  baseDelayMs: number;
}

/**
 * The well-behaved client: honours Retry-After and backs off exponentially on 429; retries
 * idempotent requests on 5xx and dropped connections with doubling delays, never a POST or PATCH
 * without an Idempotency-Key; refreshes an expired access token once (shared by concurrent
 * requests), retries once, keeps the rotated refresh token; follows links.next to the end.
 */
export class WellBehavedClient extends Base {
  private refreshing: Promise<void> | undefined;

  constructor(
    baseUrl: string,
    credentials: Credentials,
    private readonly policy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100 },
  ) {
    super(baseUrl, credentials);
  }

  async request(method: string, path: string, body?: unknown, options: { idempotencyKey?: string } = {}): Promise<Answer> {
    const retryable = SAFE.has(method) || options.idempotencyKey !== undefined;
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      const backoff = this.policy.baseDelayMs * 2 ** (attempt - 1);
      let answer: Answer;
      try {
        answer = await this.once(method, path, body, options.idempotencyKey);
      } catch (err) {
        if (!retryable || attempt >= this.policy.maxAttempts) throw err;
        await sleep(backoff);
        continue;
      }
      if (answer.status === 401 && answer.body?.error?.code === 'token_expired' && this.credentials.oauth && !refreshed) {
        refreshed = true;
        await this.refresh();
        attempt--; // the retry after a refresh is not a backoff attempt
        continue;
      }
      if (answer.status === 429 && attempt < this.policy.maxAttempts) {
        const retryAfter = Number(answer.headers.get('retry-after') ?? '1');
        await sleep(Math.max(retryAfter * 1000, backoff));
        continue;
      }
      if (answer.status >= 500 && retryable && attempt < this.policy.maxAttempts) {
        await sleep(backoff);
        continue;
      }
      return answer;
    }
  }

  /** One refresh at a time: concurrent requests that met the same expiry share it. */
  private refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      const oauth = this.credentials.oauth!;
      const res = await fetch(`${this.baseUrl}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${btoa(`${oauth.clientId}:${oauth.clientSecret}`)}` },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: oauth.refreshToken }),
      });
      const tokens = (await res.json()) as { access_token: string; refresh_token: string };
      this.credentials = { oauth: { ...oauth, accessToken: tokens.access_token, refreshToken: tokens.refresh_token } };
    })().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  async listAll(path: string): Promise<unknown[]> {
    const out: unknown[] = [];
    let next: string | null = path;
    while (next) {
      const page = await this.request('GET', next);
      out.push(...page.body.data);
      next = page.body.links.next;
    }
    return out;
  }
}

/**
 * The naive client: retries anything that failed at once, up to 10 times, whatever its method;
 * ignores Retry-After; on 401 sends the same request again with the same token; builds page URLs
 * itself (`?page=N&per_page=25`) until a page comes back empty.
 */
export class NaiveClient extends Base {
  async request(method: string, path: string, body?: unknown): Promise<Answer> {
    let last: Answer | undefined;
    for (let attempt = 1; attempt <= 10; attempt++) {
      try {
        last = await this.once(method, path, body);
      } catch (err) {
        if (attempt === 10) throw err;
        continue;
      }
      if (last.status === 429 || last.status >= 500 || (last.status === 401 && attempt === 1)) continue;
      return last;
    }
    return last!;
  }

  async listAll(path: string): Promise<unknown[]> {
    const out: unknown[] = [];
    for (let page = 1; ; page++) {
      const answer = await this.request('GET', `${path}?page=${page}&per_page=25`);
      if (answer.status !== 200 || answer.body.data.length === 0) return out;
      out.push(...answer.body.data);
    }
  }
}

export interface Receiver {
  url: string;
  close(): Promise<void>;
}

/**
 * A webhook endpoint. The well-behaved one verifies every delivery (signature and timestamp, with
 * the mock clock) and acknowledges a webhook-id it has seen without handling it again; the naive
 * one answers 200 to anything.
 */
export async function webhookReceiver(kind: 'well-behaved' | 'naive', secret: () => string, now: () => number): Promise<Receiver> {
  const seen = new Set<string>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (kind === 'naive') return void res.writeHead(200).end();
      try {
        verifyWebhook(secret(), req.headers, Buffer.concat(chunks), { now: now() });
      } catch {
        return void res.writeHead(400).end();
      }
      const id = String(req.headers['webhook-id']);
      if (!seen.has(id)) seen.add(id); // ... and handle the event, once
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
