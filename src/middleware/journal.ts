import type { MiddlewareHandler } from 'hono';
import type { Clock } from '../clock.js';
import { LIMITS } from '../limits.js';
import { type AppEnv, requestHeader } from '../context.js';
import type { Journal, RawEntry, RawResponse } from './journal-log.js';
import { responseText } from './response-text.js';

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
 * What a request's env may carry besides Node's socket: a replay (POST /_mock/requests/{id}/replay)
 * says which entry it replays, and is handed the entry recorded for it.
 */
export interface JournalEnv {
  journalReplay?: { of: number; recorded?: RawEntry };
}

/** The response as the journal keeps it: status, headers and the first bytes of the body. */
async function captureResponse(res: Response): Promise<RawResponse> {
  const text = await responseText(res);
  const kept = text ? prefixOf(text) : null;
  return {
    status: res.status,
    headers: res.headers,
    body: kept?.body ?? null,
    bodySize: text ? Buffer.byteLength(text) : 0,
    bodyTruncated: kept?.truncated ?? false,
  };
}

/**
 * Records every public request with its outcome, after the response is ready. The body is
 * shown only if the pipeline read it (within the body limit), and only its first bytes are kept;
 * the response only while someone watches the journal (and for a replay).
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
      // A body sent but never read (the request was refused first): known to exist, not what it was.
      const unread = text === null && (size > 0 || (c.req.method !== 'GET' && requestHeader(c, 'transfer-encoding') !== undefined));
      const env = c.env as ({ incoming?: { rawHeaders?: string[] } } & JournalEnv) | undefined;
      const replay = env?.journalReplay;
      const principal = c.get('principal');
      const raw: RawEntry = {
        at,
        method: c.req.method,
        url: c.req.url,
        headers: env?.incoming?.rawHeaders ?? c.req.raw.headers,
        body: kept?.body ?? null,
        bodySize: size,
        bodyTruncated: kept?.truncated ?? false,
        ...(unread ? { bodyUnread: true } : {}),
        status,
        duration: performance.now() - t0,
        workspace: principal?.workspaceId ?? null,
        started: t0,
        credential: principal?.credentialId ?? null,
        error: c.error,
        fault: c.get('fault'),
        prefer: c.get('preferApplied'),
      };
      if (status > 0 && (replay || log.watched)) raw.response = await captureResponse(c.res);
      if (replay) raw.replayOf = replay.of;
      log.record(raw);
      if (replay) replay.recorded = raw;
    }
  };
}
