import type { Context, MiddlewareHandler } from 'hono';
import { errors } from '../errors.js';
import type { AppEnv } from '../types.js';

/**
 * The bytes of request bodies being read at once, all requests together. Past it, a body
 * waits for its turn (unread, in the kernel's buffers) instead of growing the heap; a client
 * that never finishes sending is dropped by the request timeout.
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
    if (this.waiting.length === 0 && this.free >= bytes) this.free -= bytes;
    else await new Promise<void>((resolve) => this.waiting.push({ bytes, resolve }));
    let given = false;
    return () => {
      if (given) return;
      given = true;
      this.free += bytes;
      while (this.waiting.length && this.free >= this.waiting[0]!.bytes) {
        const next = this.waiting.shift()!;
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
  // The rest of the body is not read: close the connection instead of draining it.
  c.header('Connection', 'close');
  throw errors.payloadTooLarge(limit);
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
    if (!raw.body) return next();
    // Node's parser vouches for Content-Length on a socket; an in-process Request may say anything.
    const declared = /^\d{1,15}$/.test(raw.headers.get('content-length') ?? '') ? Number(raw.headers.get('content-length')) : undefined;
    const sized = declared !== undefined && !raw.headers.has('transfer-encoding');
    if (sized && declared > limit) refuse(c, limit);
    const release = await budget.take(sized ? declared : limit);
    try {
      // A sized body cannot run past its Content-Length (Node frames it): read it as it is, once
      // (Hono keeps the text for later steps). A chunked one is collected within the limit.
      if (sized) await c.req.text();
      else c.req.raw = new Request(raw, { body: await collect(c, raw.body, limit) });
      c.set('bodyRead', true);
      return await next();
    } finally {
      release();
    }
  };
}

/** Whether a request came with a body that nobody read (its connection is then closed, not drained). */
export function unreadBody(c: Context<AppEnv>): boolean {
  if (c.get('bodyRead')) return false;
  const length = c.req.header('content-length');
  return (length !== undefined && length !== '0') || c.req.header('transfer-encoding') !== undefined;
}
