import type { MiddlewareHandler } from 'hono';
import type { Clock } from '../clock.js';
import { LIMITS } from '../limits.js';
import type { AppEnv } from '../context.js';
import type { Journal } from './journal-log.js';


/**
 * The first bytes of a body, as a string of its own: a plain slice would keep the whole body
 * alive (V8 slices point into their parent string).
 */
function prefixOf(text: string): string {
  if (text.length <= LIMITS.journalBodyBytes) return text;
  return Buffer.from(text.slice(0, LIMITS.journalBodyBytes), 'utf8').toString('utf8');
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
      const declared = c.req.header('content-length') ?? '';
      const size = text === null ? (/^\d{1,15}$/.test(declared) ? Number(declared) : 0) : Buffer.byteLength(text);
      const incoming = (c.env as { incoming?: { rawHeaders?: string[] } } | undefined)?.incoming;
      log.record({
        at, method: c.req.method, url: c.req.url, headers: incoming?.rawHeaders ?? c.req.raw.headers,
        body: text ? prefixOf(text) : null, bodySize: size,
        bodyTruncated: text !== null && text.length > LIMITS.journalBodyBytes,
        status, duration: performance.now() - t0, workspace: c.get('principal')?.workspaceId ?? null,
      });
    }
  };
}
