import { ApiError, OAuthError } from '../errors.js';
import type { Feed } from '../feed.js';
import { LIMITS } from '../limits.js';
import { nestedDeeperThan } from '../openapi/json-depth.js';
import { dict } from '../store/dict.js';
import { textMatcher } from '../text-match.js';
import { cut, RESPONSE_SECRET_FIELDS, redactHeader, redactText, redactValue, SECRET_FIELDS } from './redact.js';
import type { ResponseHeaders } from './response-text.js';

export interface JournalEntry {
  id: string;
  time: string;
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string>;
  body: unknown;
  /** Bytes of the whole body (0 when there was none). */
  body_size: number;
  /** True when only the first bytes of the body were kept (`body` is then that prefix, as text). */
  body_truncated: boolean;
  status: number;
  duration_ms: number;
  workspace_id: string | null;
  credential_id: string | null;
  error: { type: string; code: string; message: string; param: string | null } | null;
  fault_id: string | null;
  prefer_applied: string | null;
  replay_of: string | null;
  response: { status: number; headers: Record<string, string>; body: unknown; body_size: number; body_truncated: boolean } | null;
}

/** A response as the journal keeps it (while the feed is watched, and for replays). */
export interface RawResponse {
  status: number;
  headers: ResponseHeaders;
  /** At most LIMITS.journalBodyBytes of the body. */
  body: string | null;
  /** Bytes of the whole body; absent when `body` is all of it (then counted when shown). */
  bodySize?: number;
  bodyTruncated: boolean;
}

/** What is captured on the request path; the entry is assembled only when someone reads it. */
export interface RawEntry {
  method: string;
  /** The full request URL; path and query are cut from it only when the journal is read. */
  url: string;
  /** Node's raw header list (or the Headers of an in-process request), kept by reference: copying costs every request. */
  headers: string[] | Headers | Record<string, string>;
  /** The body, at most LIMITS.journalBodyBytes of it. */
  body: string | null;
  /** Bytes of the whole body. */
  bodySize: number;
  /** Whether `body` is only the first part. */
  bodyTruncated: boolean;
  /** A body came but was never read (the request was refused before it). */
  bodyUnread?: boolean;
  at: number;
  status: number;
  duration: number;
  workspace: string | null;
  /** The API key or OAuth client that authenticated it. */
  credential?: string | null;
  /**
   * Why it was answered an error, as plain fields: never the thrown object itself, whose captured
   * stack would keep the whole request (its context, headers and body) alive while the entry lives.
   */
  error?: JournalEntry['error'];
  /** The fault rule that hit it. */
  fault?: string;
  /** `Preference-Applied`. */
  prefer?: string;
  response?: RawResponse;
  /** The entry it replays. */
  replayOf?: number;
  /** When it arrived, in real time (`performance.now()`): what a client's waits are measured in. */
  started?: number;
}

/** An entry as kept: the raw capture plus its number and size (set on record, no copy). */
export interface Stored extends RawEntry {
  seq: number;
  bytes: number;
}

export interface JournalQuery {
  workspace_id?: string;
  method?: string;
  path?: string;
  status?: number;
  limit?: number;
}

export interface JournalLimits {
  /** Most entries kept. */
  entries: number;
  /** Most bytes (URL, headers and body prefixes) kept in all. */
  bytes: number;
}

function sizeOfHeaders(headers: RawEntry['headers']): number {
  let n = 0;
  if (Array.isArray(headers)) {
    for (let i = 0; i < headers.length; i++) n += headers[i]!.length;
  } else {
    // In-process requests: a Headers object (or a plain record).
    for (const [k, v] of headerPairs(headers)) n += k.length + v.length;
  }
  return n;
}

/**
 * The last public requests in a ring buffer, oldest dropped first once either the entry count
 * or the byte budget is reached: memory stays bounded whatever the traffic.
 */
export class Journal {
  private ring: (Stored | undefined)[] = [];
  /** Index of the oldest entry, and how many there are. */
  private start = 0;
  private count = 0;
  private heldBytes = 0;
  private seq = 0;
  /** The number of the newest entry dropped to make room, or cleared with the whole journal. */
  private evicted = 0;

  constructor(
    readonly limits: JournalLimits = { entries: 10_000, bytes: LIMITS.journalBytes },
    /** Where each entry is told, in short, when someone watches (GET /_mock/stream). */
    private readonly feed?: Feed,
  ) {}

  /** Whether someone watches: responses are kept only then (and for replays). */
  get watched(): boolean {
    return this.feed?.active ?? false;
  }

  record(raw: RawEntry): Stored {
    const stored = raw as Stored;
    stored.seq = ++this.seq;
    stored.bytes =
      raw.url.length +
      sizeOfHeaders(raw.headers) +
      (raw.body?.length ?? 0) +
      (raw.error ? 64 + raw.error.message.length : 0) +
      (raw.response ? 512 + (raw.response.body?.length ?? 0) : 0);
    if (this.count === this.limits.entries) this.dropOldest();
    this.ring[(this.start + this.count) % this.limits.entries] = stored;
    this.count++;
    this.heldBytes += stored.bytes;
    while (this.heldBytes > this.limits.bytes && this.count > 1) this.dropOldest();
    if (this.feed?.active) this.feed.emit('request', () => summarize(stored), stored.workspace);
    return stored;
  }

  private dropOldest(): void {
    this.evicted = this.ring[this.start]!.seq;
    this.heldBytes -= this.ring[this.start]!.bytes;
    this.ring[this.start] = undefined;
    this.start = (this.start + 1) % this.limits.entries;
    this.count--;
  }

  /** Entries held, oldest first. */
  private *held(): Generator<Stored> {
    for (let k = 0; k < this.count; k++) yield this.ring[(this.start + k) % this.limits.entries]!;
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held (URLs, headers and body prefixes). */
  get bytes(): number {
    return this.heldBytes;
  }

  /** Empties the journal, or drops one workspace's entries. */
  clear(workspaceId?: string): void {
    if (workspaceId === undefined) this.evicted = this.seq;
    const kept = workspaceId === undefined ? [] : [...this.held()].filter((r) => r.workspace !== workspaceId);
    this.ring = kept;
    this.start = 0;
    this.count = kept.length;
    this.heldBytes = kept.reduce((n, r) => n + r.bytes, 0);
  }

  /** The number of the last entry recorded (0 before any): entries after it are newer. */
  get lastSeq(): number {
    return this.seq;
  }

  /** Entries numbered up to this one may have been dropped (for room) or cleared; later ones are all held. */
  get evictedThrough(): number {
    return this.evicted;
  }

  /** Held entries numbered after `afterSeq`, of one workspace (or all), oldest first, as captured: present() shows one. */
  *since(afterSeq: number, workspaceId?: string): Generator<Stored> {
    for (const raw of this.held()) {
      if (raw.seq <= afterSeq || (workspaceId !== undefined && raw.workspace !== workspaceId)) continue;
      yield raw;
    }
  }

  /** Matching entries, newest first. */
  list(q: JournalQuery = {}): JournalEntry[] {
    const path = q.path ? textMatcher(q.path) : undefined;
    const out: JournalEntry[] = [];
    const limit = q.limit ?? 100;
    for (let k = this.count - 1; k >= 0 && out.length < limit; k--) {
      const raw = this.ring[(this.start + k) % this.limits.entries]!;
      if (q.workspace_id && raw.workspace !== q.workspace_id) continue;
      if (q.method && raw.method !== q.method) continue;
      if (q.status && raw.status !== q.status) continue;
      if (path && !path(pathOf(raw.url).toLowerCase())) continue;
      out.push(present(raw));
    }
    return out;
  }

  /** The entry held under an id (`req_12`), as kept; undefined once dropped. */
  find(id: string): Stored | undefined {
    const m = /^req_(\d{1,15})$/.exec(id);
    if (!m) return undefined;
    const seq = Number(m[1]);
    // Sequence numbers grow along the ring: a binary search.
    let [lo, hi] = [0, this.count - 1];
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const at = this.ring[(this.start + mid) % this.limits.entries]!;
      if (at.seq === seq) return at;
      if (at.seq < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** The newest entries held (of one workspace, or all), newest first, as kept (at most `n`). */
  newest(n: number, workspaceId?: string): Stored[] {
    const out: Stored[] = [];
    for (let k = this.count - 1; k >= 0 && out.length < n; k--) {
      const raw = this.ring[(this.start + k) % this.limits.entries]!;
      if (workspaceId === undefined || raw.workspace === workspaceId) out.push(raw);
    }
    return out;
  }

  /** The entry held under an id, as GET /_mock/requests shows it. */
  entry(id: string): JournalEntry | undefined {
    const raw = this.find(id);
    return raw && present(raw);
  }
}

/** An entry in short, for the feed: what a list of requests shows. */
export function summarize(raw: Stored) {
  const q = raw.url.indexOf('?');
  let key: string | null = null;
  for (const [k, v] of headerPairs(raw.headers)) if (k === 'authorization') key = redactHeader(k, v).replace(/^\S+\s+/, '');
  return {
    id: `req_${raw.seq}`,
    time: new Date(raw.at).toISOString(),
    method: raw.method,
    path: pathOf(raw.url),
    query: q < 0 ? '' : redactText(raw.url.slice(q + 1)),
    status: raw.status,
    duration_ms: Math.round(raw.duration * 1000) / 1000,
    workspace_id: raw.workspace,
    key,
    replay_of: raw.replayOf === undefined ? null : `req_${raw.replayOf}`,
  };
}

export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return url.slice(url.indexOf('/', url.indexOf('//') + 2), q < 0 ? undefined : q);
}

/** A request header as it arrived (never cut): for graders inside the server, never shown. */
export function rawHeader(raw: RawEntry, name: string): string | undefined {
  const h = raw.headers;
  if (h instanceof Headers) return h.get(name) ?? undefined;
  if (!Array.isArray(h)) return Object.entries(h).find(([k]) => k.toLowerCase() === name)?.[1];
  for (let i = 0; i + 1 < h.length; i += 2) if (h[i]!.toLowerCase() === name) return h[i + 1];
  return undefined;
}

function headerPairs(headers: RawEntry['headers']): [string, string][] {
  if (!Array.isArray(headers)) return headers instanceof Headers ? [...headers] : Object.entries(headers);
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < headers.length; i += 2) pairs.push([headers[i]!.toLowerCase(), headers[i + 1]!]);
  return pairs;
}

function presentBody(body: string | null, truncated: boolean, fields: ReadonlySet<string> = SECRET_FIELDS): unknown {
  if (!body) return null;
  if (truncated) return redactText(body);
  const text = body.trimStart();
  if ((text.startsWith('{') || text.startsWith('[')) && !nestedDeeperThan(text, LIMITS.bodyDepth)) {
    try {
      return redactValue(JSON.parse(text), 0, fields);
    } catch {
      return redactText(body);
    }
  }
  return redactText(body);
}

/** Why it was answered an error: what the pipeline threw (never an unexpected error's details). */
export function errorReason(err: unknown, status: number): JournalEntry['error'] {
  if (err instanceof ApiError) return { type: err.type, code: err.code, message: err.message, param: err.param };
  if (err instanceof OAuthError) return { type: 'oauth_error', code: err.error, message: err.description, param: null };
  if (err !== undefined && status >= 500) return { type: 'api_error', code: 'internal_error', message: 'An unexpected error occurred.', param: null };
  return null;
}

function presentResponse(res: RawResponse | undefined): JournalEntry['response'] {
  if (!res) return null;
  const headers = dict<string>();
  for (const [k, v] of res.headers instanceof Headers ? res.headers : Object.entries(res.headers)) headers[k.toLowerCase()] = redactHeader(k, v);
  return {
    status: res.status,
    headers,
    body: presentBody(res.body, res.bodyTruncated, RESPONSE_SECRET_FIELDS),
    body_size: res.bodySize ?? (res.body === null ? 0 : Buffer.byteLength(res.body)),
    body_truncated: res.bodyTruncated,
  };
}

/** An entry as the journal shows it (credentials cut to a prefix). */
export function present(raw: Stored): JournalEntry {
  const query = dict<string | string[]>();
  const q = raw.url.indexOf('?');
  for (const [k, v] of new URLSearchParams(q < 0 ? '' : raw.url.slice(q + 1))) {
    const shown = SECRET_FIELDS.has(k) ? cut(v) : v;
    const prev = query[k];
    query[k] = prev === undefined ? shown : Array.isArray(prev) ? [...prev, shown] : [prev, shown];
  }
  const headers = dict<string>();
  for (const [k, v] of headerPairs(raw.headers)) headers[k] = redactHeader(k, v);
  return {
    id: `req_${raw.seq}`,
    time: new Date(raw.at).toISOString(),
    method: raw.method,
    path: pathOf(raw.url),
    query,
    headers,
    body: presentBody(raw.body, raw.bodyTruncated),
    body_size: raw.bodySize,
    body_truncated: raw.bodyTruncated,
    status: raw.status,
    duration_ms: Math.round(raw.duration * 1000) / 1000,
    workspace_id: raw.workspace,
    credential_id: raw.credential ?? null,
    error: raw.error ?? null,
    fault_id: raw.fault ?? null,
    prefer_applied: raw.prefer ?? null,
    replay_of: raw.replayOf === undefined ? null : `req_${raw.replayOf}`,
    response: presentResponse(raw.response),
  };
}
