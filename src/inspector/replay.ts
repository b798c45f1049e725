import { errors } from '../errors.js';
import type { JournalEntry, Journal, Stored } from '../middleware/journal-log.js';
import type { JournalEnv } from '../middleware/journal.js';

/** Headers that describe one connection or one transfer, not the request: the replay makes its own. */
const HOP_BY_HOP = new Set([
  'host',
  'connection',
  'keep-alive',
  'content-length',
  'transfer-encoding',
  'expect',
  'upgrade',
  'te',
  'trailer',
  'proxy-connection',
]);

function headersOf(raw: Stored): Headers {
  const out = new Headers();
  const add = (name: string, value: string) => {
    if (!HOP_BY_HOP.has(name.toLowerCase())) out.append(name, value);
  };
  if (Array.isArray(raw.headers)) for (let i = 0; i + 1 < raw.headers.length; i += 2) add(raw.headers[i]!, raw.headers[i + 1]!);
  else if (raw.headers instanceof Headers) for (const [k, v] of raw.headers) add(k, v);
  else for (const [k, v] of Object.entries(raw.headers)) add(k, v);
  return out;
}

/** The request of a journal entry, whole again (the journal keeps the raw headers and, up to 8 KiB, the body). */
export function requestOf(id: string, raw: Stored): Request {
  if (raw.bodyTruncated) throw errors.replayImpossible(id, `its body was ${raw.bodySize} bytes and the journal keeps only the first 8 KiB.`);
  if (raw.bodyUnread) throw errors.replayImpossible(id, 'its body was never read (the request was refused before it), so it is not known.');
  const hasBody = raw.body !== null && raw.method !== 'GET' && raw.method !== 'HEAD';
  return new Request(raw.url, { method: raw.method, headers: headersOf(raw), ...(hasBody ? { body: raw.body } : {}) });
}

/**
 * Sends a journaled request again through the whole app (authenticated, rate-limited, faulted and
 * journaled like any other) and answers both exchanges; the new entry always keeps its response.
 */
export async function replay(
  journal: Journal,
  id: string,
  dispatch: (req: Request, env: JournalEnv) => Promise<Response>,
): Promise<{ original: JournalEntry; replay: JournalEntry }> {
  const raw = journal.find(id);
  if (!raw) throw errors.notFound('journal entry', id);
  const env: JournalEnv = { journalReplay: { of: raw.seq } };
  const res = await dispatch(requestOf(id, raw), env);
  // The journal recorded it (with its response) before the app answered; the body is not needed here.
  await res.body?.cancel().catch(() => undefined);
  const recorded = env.journalReplay?.recorded as Stored | undefined;
  const original = journal.entry(id);
  const again = recorded && journal.entry(`req_${recorded.seq}`);
  // Both are held: the journal drops the oldest first, and these are the two newest we care about.
  if (!original || !again) throw errors.notFound('journal entry', original ? `req_${recorded?.seq ?? '?'}` : id);
  return { original, replay: again };
}
