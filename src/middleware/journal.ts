import type { MiddlewareHandler } from 'hono';
import type { Clock } from '../clock.js';
import { LIMITS } from '../limits.js';
import { type AppEnv, requestHeader } from '../context.js';
import type { Journal } from './journal-log.js';

/**
 * The first LIMITS.journalBodyBytes bytes of a body (cut at a character boundary), as a string of
 * its own: a plain slice would keep the whole body alive (V8 slices point into their parent string).
 */
function prefixOf(text: string): { body: string; truncated: boolean } {
  const limit = LIMITS.journalBodyBytes;
  // A UTF-16 unit is at most 3 bytes of UTF-8 (a surrogate pair is 4 bytes for 2 units).
  if (text.length * 3 <= limit || Buffer.byteLength(text, 'utf8') <= limit) return { body: text, truncated: false };
  const bytes = Buffer.from(text.slice(0, limit), 'utf8');
  let end = limit;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--; // never split a character
  return { body: bytes.subarray(0, end).toString('utf8'), truncated: true };
}

/**
 * Records every public request with its outcome, after the response is ready. The body is
 * shown only if the pipeline read it (within the body limit), and only its first bytes are kept.
 */
export function journal(log: Journal, clock: Clock): MiddlewareHandler<AppEnv> {
  return async function recordRequest(c, next) {
    const at = clock.now();
    const t0 = performance.now();
    let status = 0;
    try {
      await next();
      status = c.res.status;
    } catch (err) {
      status = -1;
      throw err;
    } finally {
      // Only a body the pipeline read is shown (a refused request's body is never read at all).
      const text = c.get('bodyRead') ? await c.req.text().catch(() => null) : null;
      const declared = requestHeader(c, 'content-length') ?? '';
      const size = text === null ? (/^\d{1,15}$/.test(declared) ? Number(declared) : 0) : Buffer.byteLength(text);
      const kept = text ? prefixOf(text) : null;
      const incoming = (c.env as { incoming?: { rawHeaders?: string[] } } | undefined)?.incoming;
      log.record({
        at,
        method: c.req.method,
        url: c.req.url,
        headers: incoming?.rawHeaders ?? c.req.raw.headers,
        body: kept?.body ?? null,
        bodySize: size,
        bodyTruncated: kept?.truncated ?? false,
        status,
        duration: performance.now() - t0,
        workspace: c.get('principal')?.workspaceId ?? null,
      });
    }
  };
}
