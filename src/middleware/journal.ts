import type { Context, MiddlewareHandler } from 'hono';
import type { Clock } from '../clock.js';
import { LIMITS } from '../limits.js';
import { type AppEnv, requestHeader } from '../context.js';
import { errorReason, type Journal, type RawEntry, type RawResponse } from './journal-log.js';
import { type ResponseContent, responseContent } from './response-text.js';
import { step } from './steps.js';

/**
 * The first LIMITS.journalBodyBytes bytes of a body of `size` bytes (cut at a character boundary),
 * as a string of its own: a plain slice would keep the whole body alive (V8 slices point into their
 * parent string).
 */
function prefixOf(text: string, size: number): { body: string; truncated: boolean } {
  const limit = LIMITS.journalBodyBytes;
  if (size <= limit) return { body: text, truncated: false };
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
function keptResponse(status: number, { headers, text }: ResponseContent): RawResponse {
  if (!text) return { status, headers, body: null, bodySize: 0, bodyTruncated: false };
  // Short enough to be kept whole whatever it holds (a UTF-16 unit is at most 3 bytes of UTF-8):
  // its size is counted only if someone reads it.
  if (text.length * 3 <= LIMITS.journalBodyBytes) return { status, headers, body: text, bodyTruncated: false };
  const size = Buffer.byteLength(text, 'utf8');
  const kept = prefixOf(text, size);
  return { status, headers, body: kept.body, bodySize: size, bodyTruncated: kept.truncated };
}

/**
 * Records every public request with its outcome, after the response is ready. The body is
 * shown only if the pipeline read it (within the body limit), and only its first bytes are kept;
 * the response only while someone watches the journal (and for a replay). Nothing here waits
 * unless it must (a body read, a response kept): a request answered at once is recorded at once.
 */
export function journal(log: Journal, clock: Clock): MiddlewareHandler<AppEnv> {
  return step(function recordRequest(c, next) {
    const at = clock.now();
    const t0 = performance.now();
    const replay = (c.env as JournalEnv | undefined)?.journalReplay;
    const finish = (status: number): void | Promise<void> => {
      // Only a body the pipeline read is shown (a refused request's body is never read at all).
      const keepsResponse = status > 0 && (replay !== undefined || log.watched);
      if (!c.get('bodyRead') && !keepsResponse) return record(c, log, replay, { at, t0, status, text: null });
      const content = keepsResponse ? responseContent(c.res) : undefined;
      // Answered at once with a body held in memory (a GET, most often): recorded at once.
      if (!c.get('bodyRead') && !(content instanceof Promise))
        return record(c, log, replay, { at, t0, status, text: null, response: content && keptResponse(status, content) });
      return (async () => {
        const text = c.get('bodyRead') ? await c.req.text().catch(() => null) : null;
        const response = content && keptResponse(status, await content);
        record(c, log, replay, { at, t0, status, text, response });
      })();
    };
    let done: void | Promise<void>;
    try {
      done = next();
    } catch (err) {
      const recorded = finish(-1);
      if (recorded instanceof Promise) return recorded.then(() => Promise.reject(err));
      throw err;
    }
    if (done instanceof Promise) {
      return done.then(
        () => finish(c.res.status),
        (err: unknown) => {
          const recorded = finish(-1);
          return recorded instanceof Promise ? recorded.then(() => Promise.reject(err)) : Promise.reject(err);
        },
      );
    }
    return finish(c.res.status);
  });
}

/** The entry of one request, as the journal keeps it. */
function record(
  c: Context<AppEnv>,
  log: Journal,
  replay: JournalEnv['journalReplay'],
  o: { at: number; t0: number; status: number; text: string | null; response?: RawResponse },
): void {
  const declared = requestHeader(c, 'content-length') ?? '';
  const size = o.text === null ? (/^\d{1,15}$/.test(declared) ? Number(declared) : 0) : Buffer.byteLength(o.text);
  const kept = o.text ? prefixOf(o.text, size) : null;
  const env = c.env as { incoming?: { rawHeaders?: string[] } } | undefined;
  const principal = c.get('principal');
  const raw: RawEntry = {
    at: o.at,
    method: c.req.method,
    url: c.req.url,
    headers: env?.incoming?.rawHeaders ?? c.req.raw.headers,
    body: kept?.body ?? null,
    bodySize: size,
    bodyTruncated: kept?.truncated ?? false,
    status: o.status,
    duration: performance.now() - o.t0,
    workspace: principal?.workspaceId ?? null,
    started: o.t0,
    credential: principal?.credentialId ?? null,
    error: errorReason(c.error, o.status),
    fault: c.get('fault'),
    prefer: c.get('preferApplied'),
  };
  // A body sent but never read (the request was refused first): known to exist, not what it was.
  if (o.text === null && (size > 0 || (c.req.method !== 'GET' && requestHeader(c, 'transfer-encoding') !== undefined))) raw.bodyUnread = true;
  if (o.response) raw.response = o.response;
  if (replay) raw.replayOf = replay.of;
  log.record(raw);
  if (replay) replay.recorded = raw;
}
