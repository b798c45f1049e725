import { errors } from '../errors.js';
import { LIMITS } from '../limits.js';
import { type Journal, type JournalEntry, pathOf, present, type Stored } from '../middleware/journal-log.js';
import { editDistance } from '../openapi/suggest.js';
import type { Store } from '../store/store.js';
import { textMatcher } from '../text-match.js';
import { type Difference, isSubset, subsetDifferences } from './json-subset.js';

/** Which requests to count: every field given must match (none given matches every request). */
export interface RequestMatcher {
  method?: string;
  /** Exact, or a glob with `*` (case-insensitive). */
  path?: string;
  /** Each parameter must be present with a value matching the glob (each of them, for a list). */
  query?: Record<string, string | string[]>;
  /** Each header (any case) must be present with a value matching the glob, as the journal shows it. */
  headers?: Record<string, string>;
  /** A JSON subset of the body (see json-subset.ts); `null` matches an empty body. */
  body?: unknown;
}

/** How many requests should match; none given means at least one. */
export interface CountExpectation {
  times?: number;
  at_least?: number;
  at_most?: number;
}

export interface NearMiss {
  request: { id: string; time: string; method: string; path: string; status: number };
  differences: Difference[];
}

export interface VerifyResult {
  passed: boolean;
  matched: number;
  /** `at least 1`, `exactly 2`, `between 1 and 3`… */
  expected: string;
  /** When too few matched: the closest requests, each with what differed, field by field. */
  near_misses: NearMiss[];
  /** The verdict in words, with the near misses or the extra matches (what `mock.verify` throws). */
  message: string;
}

/** Near misses reported, and requests looked at closely to find them (the closest by method and path). */
export const NEAR_MISSES = 3;
const CANDIDATES = 50;
/** Requests named in a message when too many matched. */
const NAMED = 10;

interface Compiled {
  method?: string;
  path?: (lowered: unknown) => boolean;
  query: [string, ((lowered: unknown) => boolean)[]][];
  headers: [string, (lowered: unknown) => boolean][];
  hasBody: boolean;
  body: unknown;
}

function compile(m: RequestMatcher): Compiled {
  const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]).map(textMatcher);
  return {
    method: m.method?.toUpperCase(),
    path: m.path === undefined ? undefined : textMatcher(m.path),
    query: Object.entries(m.query ?? {}).map(([k, v]) => [k, list(v)]),
    headers: Object.entries(m.headers ?? {}).map(([k, v]) => [k.toLowerCase(), textMatcher(v)]),
    hasBody: Object.hasOwn(m, 'body'),
    body: m.body,
  };
}

/** A journal entry looked at: method and path from the capture, the rest presented on demand. */
class Seen {
  private shown: JournalEntry | undefined;
  readonly path: string;
  constructor(readonly raw: Stored) {
    this.path = pathOf(raw.url);
  }
  get entry(): JournalEntry {
    this.shown ??= present(this.raw);
    return this.shown;
  }
}

const valuesOf = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).map((s) => s.toLowerCase());

/** What differs between a request and the matcher, field by field (empty: it matches). */
function differences(m: Compiled, given: RequestMatcher, s: Seen, cheapOnly = false): Difference[] {
  const out: Difference[] = [];
  if (m.method !== undefined && s.raw.method !== m.method) out.push({ field: 'method', expected: m.method, actual: s.raw.method });
  if (m.path && !m.path(s.path.toLowerCase())) out.push({ field: 'path', expected: given.path, actual: s.path });
  if (cheapOnly) return out;
  for (const [name, wanted] of m.query) {
    const have = s.entry.query[name];
    const values = valuesOf(have);
    if (!wanted.every((w) => values.some((v) => w(v))))
      out.push({ field: `query.${name}`, expected: given.query![name], ...(have === undefined ? {} : { actual: have }) });
  }
  for (const [name, wanted] of m.headers) {
    const have = Object.hasOwn(s.entry.headers, name) ? s.entry.headers[name] : undefined;
    if (have === undefined || !wanted(have.toLowerCase())) {
      const expected = Object.entries(given.headers!).find(([k]) => k.toLowerCase() === name)?.[1];
      out.push({ field: `headers.${name}`, expected, ...(have === undefined ? {} : { actual: have }) });
    }
  }
  if (m.hasBody && !isSubset(m.body, s.entry.body)) subsetDifferences(m.body, s.entry.body, 'body', out);
  return out;
}

/** The values a matcher holds (the leaves of a body matcher): what a body's differences are a share of. */
function leaves(value: unknown): number {
  if (value === null || typeof value !== 'object') return 1;
  const inner = Object.values(value as object);
  return inner.length ? inner.reduce((n: number, v) => n + leaves(v), 0) : 1;
}

/**
 * How far a request is from the matcher, for ranking near misses: 1 for each field that differs
 * (a path a little less the more alike it is), and for the body the share of the matcher it missed.
 */
function distance(diffs: Difference[], body: unknown): number {
  let d = 0;
  let inBody = 0;
  for (const diff of diffs) {
    if (diff.field === 'body') inBody = Infinity;
    else if (diff.field.startsWith('body.') || diff.field.startsWith('body[')) inBody++;
    else if (diff.field !== 'path') d += 1;
    else {
      const [a, b] = [String(diff.expected).replaceAll('*', '').toLowerCase().slice(0, 128), String(diff.actual).toLowerCase().slice(0, 128)];
      d += 1 + editDistance(a, b) / Math.max(a.length, b.length, 1);
    }
  }
  return d + Math.min(1, inBody / leaves(body));
}

export function describeCount(c: CountExpectation): string {
  if (c.times !== undefined) return `exactly ${c.times}`;
  if (c.at_least !== undefined && c.at_most !== undefined) return `between ${c.at_least} and ${c.at_most}`;
  if (c.at_most !== undefined) return `at most ${c.at_most}`;
  return `at least ${c.at_least ?? 1}`;
}

function satisfies(n: number, c: CountExpectation): boolean {
  if (c.times !== undefined && n !== c.times) return false;
  if (c.at_most !== undefined && n > c.at_most) return false;
  return n >= (c.at_least ?? (c.times === undefined && c.at_most === undefined ? 1 : 0));
}

/** A JSON value in a message, cut short when long. */
export function show(value: unknown): string {
  const text = value === undefined ? 'nothing' : (JSON.stringify(value) ?? String(value));
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

function describeMatcher(m: RequestMatcher): string {
  const parts = [
    m.method && `method ${m.method.toUpperCase()}`,
    m.path !== undefined && `path ${m.path}`,
    m.query && Object.keys(m.query).length > 0 && `query ${show(m.query)}`,
    m.headers && Object.keys(m.headers).length > 0 && `headers ${show(m.headers)}`,
    Object.hasOwn(m, 'body') && `body ${show(m.body)}`,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'any request';
}

const line = (e: JournalEntry) => `${e.id} ${e.method} ${e.path} → ${e.status} at ${e.time}`;

/**
 * Counts the journal's requests of a workspace that match, against the expected count; when too
 * few did, finds the closest ones (WireMock's near misses) with what differed, field by field.
 * Reads at most the journal (10,000 requests); near misses are sought among the 50 closest by
 * method and path.
 */
export function verifyRequests(journal: Journal, workspaceId: string, matcher: RequestMatcher, count: CountExpectation = {}): VerifyResult {
  const m = compile(matcher);
  const matched: Seen[] = [];
  const others: { seen: Seen; cheap: Difference[] }[] = [];
  for (const raw of journal.since(0, workspaceId)) {
    const seen = new Seen(raw);
    const cheap = differences(m, matcher, seen, true);
    if (cheap.length === 0 && differences(m, matcher, seen).length === 0) matched.push(seen);
    else others.push({ seen, cheap });
  }
  const expected = describeCount(count);
  const passed = satisfies(matched.length, count);
  const minimum = count.times ?? count.at_least ?? (count.at_most === undefined ? 1 : 0);
  const near: NearMiss[] = [];
  if (!passed && matched.length < minimum) {
    // Newest first among equals: the journal is oldest first.
    others.reverse();
    const candidates = others
      .map((o, order) => ({ ...o, order, d: distance(o.cheap, matcher.body) }))
      .sort((a, b) => a.d - b.d || a.order - b.order)
      .slice(0, CANDIDATES)
      .map((o) => {
        const diffs = o.cheap.length
          ? [...o.cheap, ...differences({ ...m, method: undefined, path: undefined }, matcher, o.seen)]
          : differences(m, matcher, o.seen);
        return { seen: o.seen, diffs, d: distance(diffs, matcher.body), order: o.order };
      })
      .sort((a, b) => a.d - b.d || a.order - b.order)
      .slice(0, NEAR_MISSES);
    for (const c of candidates) {
      const e = c.seen.entry;
      near.push({ request: { id: e.id, time: e.time, method: e.method, path: e.path, status: e.status }, differences: c.diffs });
    }
  }
  const what = describeMatcher(matcher);
  const lines = [
    passed
      ? `${matched.length} request${matched.length === 1 ? '' : 's'} of workspace ${workspaceId} matched ${what} (expected ${expected}).`
      : `Expected ${expected} request${expected === 'exactly 1' || expected === 'at least 1' ? '' : 's'} of workspace ${workspaceId} to match ${what}; ${matched.length} did.`,
  ];
  if (!passed && near.length) {
    lines.push('The closest requests:');
    for (const n of near) {
      lines.push(`  ${n.request.id} ${n.request.method} ${n.request.path} → ${n.request.status} at ${n.request.time}`);
      for (const d of n.differences) lines.push(`    ${d.field}: expected ${show(d.expected)}, got ${show(d.actual)}`);
    }
  } else if (!passed && matched.length === 0) {
    lines.push(`The journal holds no request of workspace ${workspaceId}.`);
  } else if (!passed) {
    lines.push(
      `Matched: ${matched
        .slice(-NAMED)
        .reverse()
        .map((s) => line(s.entry))
        .join('; ')}${matched.length > NAMED ? '; …' : ''}.`,
    );
  }
  return { passed, matched: matched.length, expected, near_misses: near, message: lines.join('\n') };
}

/** What `POST /_mock/requests/verify` and `mock.verify` take: a matcher, a count, and the workspace. */
export interface VerifyInput extends RequestMatcher, CountExpectation {
  /** Default the default workspace. */
  workspace_id?: string;
}

/** Checks the input the spec cannot (the workspace exists, the body matcher fits), then verifies. */
export function verifyInWorkspace(journal: Journal, store: Store, input: VerifyInput): VerifyResult {
  const { workspace_id, times, at_least, at_most, ...matcher } = input;
  const workspaceId = workspace_id ?? store.defaultWorkspaceId;
  if (!store.has(workspaceId)) throw errors.unknownWorkspace(workspaceId);
  if (Object.hasOwn(matcher, 'body')) {
    const bytes = Buffer.byteLength(JSON.stringify(matcher.body) ?? '');
    if (bytes > LIMITS.verifyBodyBytes) {
      throw errors.validation(
        'body',
        `The 'body' matcher is ${bytes} bytes; at most ${LIMITS.verifyBodyBytes} (the journal keeps the first ${LIMITS.verifyBodyBytes} bytes of each body, so a larger one could never match).`,
      );
    }
  }
  const count = Object.fromEntries(Object.entries({ times, at_least, at_most }).filter(([, v]) => v !== undefined)) as CountExpectation;
  return verifyRequests(journal, workspaceId, matcher, count);
}
