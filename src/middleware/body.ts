import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { errors } from '../errors.js';
import type { AppEnv } from '../context.js';

/**
 * The bytes of request bodies held at once (from reading them to answering their request).
 * Past it, a body waits for its turn (unread, in the kernel's buffers) instead of growing the
 * heap; a client that never finishes sending is dropped by the request timeout.
 */
export class BodyBudget {
  private free: number;
  private waiting: { bytes: number; resolve: () => void }[] = [];

  constructor(readonly total: number) {
    this.free = total;
  }

  /** Resolves, once `bytes` are free, with the function that gives them back. */
  async take(wanted: number): Promise<() => void> {
    const bytes = Math.min(Math.max(0, wanted), this.total);
    if (this.free >= bytes) this.free -= bytes;
    else await new Promise<void>((resolve) => this.waiting.push({ bytes, resolve }));
    let given = false;
    return () => {
      if (given) return;
      given = true;
      this.free += bytes;
      // First fit: a small body does not wait behind a large one that does not fit yet.
      for (let i = 0; i < this.waiting.length && this.free > 0; i++) {
        const next = this.waiting[i]!;
        if (next.bytes > this.free) continue;
        this.waiting.splice(i--, 1);
        this.free -= next.bytes;
        next.resolve();
      }
    };
  }

  get available(): number {
    return this.free;
  }
}

function refuse(c: Context<AppEnv>, limit: number): never {
  c.set('bodyRefused', true);
  throw errors.payloadTooLarge(limit);
}

/**
 * Closes the connection once the answer is out, without reading the rest of the body: the
 * server sends its FIN and lingers 2 s (what arrives meanwhile is dropped), so the client
 * reads the answer instead of a reset. In-process, `Connection: close` says the same.
 */
export function closeAfterAnswer(c: Context<AppEnv>): void {
  const env = c.env as { incoming?: { socket?: { end(): void; destroy(): void } }; outgoing?: { once(e: 'finish', f: () => void): void } } | undefined;
  const socket = env?.incoming?.socket;
  if (!socket || !env?.outgoing) {
    c.header('Connection', 'close');
    return;
  }
  env.outgoing.once('finish', () => {
    socket.end();
    setTimeout(() => socket.destroy(), 2_000).unref();
  });
}

/** A socket's request body of a declared length, as text (UTF-8, a BOM dropped, as Request#text does). */
function readIncoming(incoming: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const cutShort = () => errors.malformedRequest(400, 'The request body ended before its Content-Length.');
    if (incoming.destroyed) return reject(cutShort());
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.once('end', () => resolve(new TextDecoder().decode(Buffer.concat(chunks))));
    incoming.once('error', reject);
    incoming.once('close', () => {
      if (!incoming.complete) reject(cutShort());
    });
  });
}

/** Reads a stream into one buffer, refusing it past `limit` bytes. */
async function collect(c: Context<AppEnv>, stream: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      refuse(c, limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

/**
 * Reads the request body, whole, within `limit` bytes and within the server's budget of
 * bodies in flight; later steps (validation, the journal) read the buffered copy. It comes
 * after authentication, so a request without a valid key never has its body read at all.
 */
export function readBody(limit: number, budget: BodyBudget): MiddlewareHandler<AppEnv> {
  return async function readBodyWithin(c, next) {
    const raw = c.req.raw;
    // On a socket, the request's own IncomingMessage: asking the Request for its body would
    // make @hono/node-server build a web Request and stream (about a third of a POST's CPU).
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    const chunked = raw.headers.has('transfer-encoding');
    const length = raw.headers.get('content-length');
    if (incoming ? raw.method === 'GET' || raw.method === 'HEAD' || (!chunked && (length === null || length === '0')) : !raw.body) return next();
    // Node's parser vouches for Content-Length on a socket; an in-process Request may say anything.
    const declared = /^\d{1,15}$/.test(length ?? '') ? Number(length) : undefined;
    const sized = declared !== undefined && !chunked;
    if (sized && declared > limit) refuse(c, limit);
    const release = await budget.take(sized ? declared : limit);
    try {
      // A sized body cannot run past its Content-Length (Node frames it): read it as it is, once
      // (Hono keeps the text for later steps). A chunked one is collected within the limit.
      if (sized && incoming) {
        // Hono's request keeps each body reading as a promise in `bodyCache`; text() and json() use it.
        (c.req.bodyCache as Record<string, Promise<unknown>>).text = Promise.resolve(await readIncoming(incoming));
      } else if (sized) await c.req.text();
      else c.req.raw = new Request(raw, { body: await collect(c, raw.body!, limit) });
      c.set('bodyRead', true);
      return await next();
    } finally {
      release();
    }
  };
}

/**
 * Whether the connection must close after the answer: the body was refused, or nobody read a
 * body of unknown length. An unread body of a declared length within the limit is left to Node,
 * which discards it (nothing is kept) and keeps the connection for the client's next request.
 */
export function mustClose(c: Context<AppEnv>, limit: number): boolean {
  if (c.get('bodyRefused')) return true;
  if (c.get('bodyRead')) return false;
  const length = c.req.header('content-length');
  if (c.req.header('transfer-encoding') !== undefined) return true;
  return length !== undefined && !(/^\d{1,15}$/.test(length) && Number(length) <= limit);
}
