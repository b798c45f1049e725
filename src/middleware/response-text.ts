/**
 * The body of a response as text, without consuming it. @hono/node-server's lightweight
 * Response keeps a string body in a cache slot (its `cache` symbol) until it is written: reading
 * that costs nothing. Any other response (in-process, a stream) is cloned and read. A body that is
 * a stream is not read (it may never end).
 */
let cacheSlot: symbol | undefined;

function cached(res: Response): unknown {
  cacheSlot ??= Object.getOwnPropertySymbols(res).find((s) => s.description === 'cache');
  const slot = cacheSlot && (res as unknown as Record<symbol, unknown>)[cacheSlot];
  return Array.isArray(slot) ? slot[1] : undefined;
}

export async function responseText(res: Response): Promise<string | null> {
  const body = cached(res);
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  if (body !== undefined && body !== null) return null;
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('event-stream')) return null;
  try {
    return res.body ? await res.clone().text() : null;
  } catch {
    return null;
  }
}
