import { redact } from '../errors.js';
import { LIMITS } from '../limits.js';
import { nestedDeeperThan } from '../openapi/json-depth.js';
import { dict } from '../store/dict.js';
import { textMatcher } from '../text-match.js';

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
  at: number;
  status: number;
  duration: number;
  workspace: string | null;
  /** When it arrived, in real time (`performance.now()`): what a client's waits are measured in. */
  started?: number;
  /** The fault rule applied to it, if any, and whether it dropped the connection. */
  fault?: { id: string; dropped: boolean } | undefined;
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

/** Request and query fields whose values are credentials: the journal shows only a prefix. */
const SECRET_FIELDS = new Set([
  'client_secret',
  'code',
  'code_verifier',
  'refresh_token',
  'token',
  'access_token',
  'id_token',
  'password',
  'secret',
  'api_key',
]);
const SECRET_HEADERS = new Set(['proxy-authorization', 'cookie']);

/** A credential cut to what identifies it (its kind and a few characters), never more than a third of it. */
function cut(secret: string): string {
  return `${redact(secret).slice(0, Math.floor(secret.length / 3))}…`;
}

const FIELD_NAMES = [...SECRET_FIELDS].join('|');
/** `"client_secret": "…"` in JSON text, `client_secret=…` in a form or query. */
const SECRET_IN_JSON = new RegExp(`("(?:${FIELD_NAMES})"\\s*:\\s*")((?:[^"\\\\]|\\\\.)*)`, 'g');
const SECRET_IN_FORM = new RegExp(`((?:^|[&?\\s])(?:${FIELD_NAMES})=)([^&\\s]*)`, 'g');

/** Text that is not parsed (a cut-off body, or not JSON at all): credentials cut wherever they appear. */
function redactText(text: string): string {
  return text
    .replace(SECRET_IN_JSON, (_m, key: string, v: string) => `${key}${cut(v)}`)
    .replace(SECRET_IN_FORM, (_m, key: string, v: string) => `${key}${cut(v)}`);
}

/** `Bearer sk_test_commflow` → `Bearer sk_test_comm…`, whatever follows the credential. */
function cutCredential(value: string): string {
  const [scheme = '', credential] = value.trim().split(/\s+/, 2);
  return credential === undefined ? `${redact(scheme)}…` : `${scheme} ${redact(credential)}…`;
}

function redactValue(value: unknown, depth = 0): unknown {
  if (depth > LIMITS.bodyDepth || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  const out = dict<unknown>();
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_FIELDS.has(k) && typeof v === 'string' ? cut(v) : redactValue(v, depth + 1);
  return out;
}

function sizeOfHeaders(headers: RawEntry['headers']): number {
  if (!Array.isArray(headers)) return 512; // in-process requests: a fair guess, they cannot be large
  let n = 0;
  for (let i = 0; i < headers.length; i++) n += headers[i]!.length;
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

  constructor(readonly limits: JournalLimits = { entries: 10_000, bytes: LIMITS.journalBytes }) {}

  record(raw: RawEntry): void {
    const stored = raw as Stored;
    stored.seq = ++this.seq;
    stored.bytes = raw.url.length + sizeOfHeaders(raw.headers) + (raw.body?.length ?? 0);
    if (this.count === this.limits.entries) this.dropOldest();
    this.ring[(this.start + this.count) % this.limits.entries] = stored;
    this.count++;
    this.heldBytes += stored.bytes;
    while (this.heldBytes > this.limits.bytes && this.count > 1) this.dropOldest();
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

function presentBody(raw: Stored): unknown {
  if (!raw.body) return null;
  if (raw.bodyTruncated) return redactText(raw.body);
  const text = raw.body.trimStart();
  if ((text.startsWith('{') || text.startsWith('[')) && !nestedDeeperThan(text, LIMITS.bodyDepth)) {
    try {
      return redactValue(JSON.parse(text));
    } catch {
      return redactText(raw.body);
    }
  }
  return redactText(raw.body);
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
  for (const [k, v] of headerPairs(raw.headers)) {
    if (k === 'authorization') headers[k] = cutCredential(v);
    else headers[k] = SECRET_HEADERS.has(k) ? cut(v) : v;
  }
  return {
    id: `req_${raw.seq}`,
    time: new Date(raw.at).toISOString(),
    method: raw.method,
    path: pathOf(raw.url),
    query,
    headers,
    body: presentBody(raw),
    body_size: raw.bodySize,
    body_truncated: raw.bodyTruncated,
    status: raw.status,
    duration_ms: Math.round(raw.duration * 1000) / 1000,
    workspace_id: raw.workspace,
  };
}
