/**
 * A response's body and headers as the journal keeps them, without consuming the response.
 * @hono/node-server's lightweight Response keeps `[status, body, headers]` in a cache slot (its
 * `cache` symbol) until it is written: reading that costs nothing, while asking the response for
 * `.headers` would build a Headers object for it (and slow down its write). Any other response
 * (in-process, a stream) is cloned and read. A body that is a stream is not read (it may never end).
 */
let cacheSlot: symbol | undefined;

function cached(res: Response): unknown[] | undefined {
  cacheSlot ??= Object.getOwnPropertySymbols(res).find((s) => s.description === 'cache');
  const slot = cacheSlot && (res as unknown as Record<symbol, unknown>)[cacheSlot];
  return Array.isArray(slot) ? slot : undefined;
}

/** The body as text when it can be had at once: a string, bytes, or null for none or a stream; undefined when it must be read. */
function textNow(body: unknown): string | null | undefined {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  if (body !== undefined && body !== null) return null;
  return undefined;
}

/** Header pairs of a cached response: a plain record (what the API's answers carry) or a Headers. */
export type ResponseHeaders = Headers | Record<string, string>;

export interface ResponseContent {
  headers: ResponseHeaders;
  text: string | null;
}

/** The body and headers, at once when the response holds them in its cache slot. */
export function responseContent(res: Response): ResponseContent | Promise<ResponseContent> {
  const slot = cached(res);
  const text = slot && textNow(slot[1]);
  if (slot && text !== undefined) {
    const headers = slot[2];
    if (headers instanceof Headers) return { headers, text };
    if (headers === undefined || headers === null) return { headers: { 'content-type': 'text/plain; charset=UTF-8' }, text };
    // A copy: @hono/node-server adds its own Content-Length (a number) to the record as it writes.
    if (typeof headers === 'object' && !Array.isArray(headers)) return { headers: { ...(headers as Record<string, string>) }, text };
  }
  return responseText(res).then((body) => ({ headers: res.headers, text: body }));
}

async function responseText(res: Response): Promise<string | null> {
  const slot = cached(res);
  const now = slot && textNow(slot[1]);
  if (now !== undefined) return now;
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('event-stream')) return null;
  try {
    return res.body ? await res.clone().text() : null;
  } catch {
    return null;
  }
}
