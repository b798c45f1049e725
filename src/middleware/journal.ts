import type { MiddlewareHandler } from 'hono';
import type { Clock } from '../clock.js';
import { redact } from '../errors.js';
import { textMatcher } from '../resources/query.js';
import type { AppEnv } from '../types.js';

export interface JournalEntry {
  id: string;
  time: string;
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string>;
  body: unknown;
  status: number;
  duration_ms: number;
  workspace_id: string | null;
}

/** What is captured on the request path; the entry is assembled only when someone reads it. */
interface Raw {
  seq: number;
  at: number;
  method: string;
  /** The full request URL; path and query are cut from it only when the journal is read. */
  url: string;
  /** Node's raw header list (or the Headers of an in-process request), kept by reference: copying costs every request. */
  headers: string[] | Headers | Record<string, string>;
  body: string | null;
  status: number;
  duration: number;
  workspace: string | null;
}

export interface JournalQuery {
  workspace_id?: string;
  method?: string;
  path?: string;
  status?: number;
  limit?: number;
}

/** The last `capacity` public requests, in a ring buffer: memory stays flat. */
export class Journal {
  private ring: Raw[] = [];
  private next = 0;
  private seq = 0;

  constructor(readonly capacity = 10_000) {}

  record(entry: Raw): void {
    entry.seq = ++this.seq;
    if (this.ring.length < this.capacity) this.ring.push(entry);
    else this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Empties the journal, or drops one workspace's entries. */
  clear(workspaceId?: string): void {
    if (workspaceId) {
      const kept = this.ring.filter((r) => r.workspace !== workspaceId).sort((a, b) => a.seq - b.seq);
      this.ring = kept;
      this.next = kept.length % this.capacity;
      return;
    }
    this.ring = [];
    this.next = 0;
  }

  /** Matching entries, newest first. */
  list(q: JournalQuery = {}): JournalEntry[] {
    const path = q.path ? textMatcher(q.path) : undefined;
    const out: JournalEntry[] = [];
    const limit = q.limit ?? 100;
    for (let k = 1; k <= this.ring.length && out.length < limit; k++) {
      const raw = this.ring[(this.next - k + this.ring.length) % this.ring.length]!;
      if (q.workspace_id && raw.workspace !== q.workspace_id) continue;
      if (q.method && raw.method !== q.method) continue;
      if (q.status && raw.status !== q.status) continue;
      if (path && !path(pathOf(raw.url).toLowerCase())) continue;
      out.push(present(raw));
    }
    return out;
  }
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return url.slice(url.indexOf('/', url.indexOf('//') + 2), q < 0 ? undefined : q);
}

function present(raw: Raw): JournalEntry {
  const query: Record<string, string | string[]> = {};
  const q = raw.url.indexOf('?');
  for (const [k, v] of new URLSearchParams(q < 0 ? '' : raw.url.slice(q + 1))) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const headers: Record<string, string> = {};
  let pairs: [string, string][];
  if (Array.isArray(raw.headers)) {
    pairs = [];
    for (let i = 0; i + 1 < raw.headers.length; i += 2) pairs.push([raw.headers[i]!.toLowerCase(), raw.headers[i + 1]!]);
  } else pairs = raw.headers instanceof Headers ? [...raw.headers] : Object.entries(raw.headers);
  for (const [k, v] of pairs) {
    headers[k] = k === 'authorization' ? v.replace(/^(\S+\s+)?(\S+)$/, (_m, scheme: string | undefined, cred: string) => `${scheme ?? ''}${redact(cred)}…`) : v;
  }
  let body: unknown = null;
  if (raw.body) {
    try {
      body = JSON.parse(raw.body);
    } catch {
      body = raw.body;
    }
  }
  return {
    id: `req_${raw.seq}`, time: new Date(raw.at).toISOString(), method: raw.method, path: pathOf(raw.url), query, headers, body,
    status: raw.status, duration_ms: Math.round(raw.duration * 1000) / 1000, workspace_id: raw.workspace,
  };
}

/** Records every public request with its outcome, after the response is ready. */
export function journal(log: Journal, clock: Clock, bodyLimit: number): MiddlewareHandler<AppEnv> {
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
      const body = c.get('op').body !== 'none' && Number(c.req.header('content-length') ?? 0) <= bodyLimit
        ? await c.req.text().catch(() => null)
        : null;
      const incoming = (c.env as { incoming?: { rawHeaders?: string[] } } | undefined)?.incoming;
      log.record({
        seq: 0, at, method: c.req.method, url: c.req.url, headers: incoming?.rawHeaders ?? c.req.raw.headers,
        body: body || null, status, duration: performance.now() - t0, workspace: c.get('principal')?.workspaceId ?? null,
      });
    }
  };
}
