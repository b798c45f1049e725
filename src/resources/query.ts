/**
 * The query language of every list, as pure functions: filters (equality, comma lists,
 * `*` wildcards, date ranges), full-text `q`, sorting and pagination with meta and links.
 */
import type { Rec } from '../store/types.js';

/** Tests the record at a position of a view. */
export type Predicate = (index: number) => boolean;

/** Field values by position, in the order being listed (see View in store/collection.ts). */
export interface Columns {
  column(field: string): readonly unknown[];
}

export const RESERVED = new Set(['page', 'per_page', 'sort', 'order', 'q']);
const DATE_FILTERS: Record<string, { field: string; op: 'gte' | 'lt' }> = {
  created_after: { field: 'created_at', op: 'gte' },
  created_before: { field: 'created_at', op: 'lt' },
  updated_after: { field: 'updated_at', op: 'gte' },
  updated_before: { field: 'updated_at', op: 'lt' },
};

/**
 * A date (`2026-01-01`, midnight UTC) or date-time as the API's timestamp string, rounded up
 * to the whole second: records carry whole seconds, so string comparison is then exact.
 */
export function normalizeInstant(value: string): string {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  return new Date(Math.ceil(ms / 1000) * 1000).toISOString().replace(/\.000Z$/, 'Z');
}

/** `*@company.com` → a case-insensitive, anchored matcher; no `*` means case-insensitive equality. */
export function textMatcher(pattern: string): (value: unknown) => boolean {
  if (!pattern.includes('*')) {
    const wanted = pattern.toLowerCase();
    return (value) => typeof value === 'string' && value.toLowerCase() === wanted;
  }
  const source = pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  const re = new RegExp(`^${source}$`, 'is');
  return (value) => typeof value === 'string' && re.test(value);
}

/** Equality against any of the values; on an array field, the record matches if it holds any of them. */
export function anyOfMatcher(values: unknown[]): (value: unknown) => boolean {
  const set = new Set(values.map(String));
  return (value) =>
    Array.isArray(value) ? value.some((v) => set.has(String(v))) : value !== null && value !== undefined && set.has(String(value));
}

/** Maps a query parameter to the record field it filters (`tag` → `tags`). */
export type FieldOf = (param: string) => string;

/** One predicate from every filter parameter present in an (already validated) query. */
export function buildPredicate(query: Record<string, unknown>, columns: Columns, fieldOf: FieldOf = (p) => p): Predicate | undefined {
  const tests: Predicate[] = [];
  for (const [param, value] of Object.entries(query)) {
    if (value === undefined || RESERVED.has(param)) continue;
    const date = DATE_FILTERS[param];
    if (date) {
      const bound = normalizeInstant(String(value));
      const col = columns.column(date.field) as readonly string[];
      tests.push(date.op === 'gte' ? (i) => col[i]! >= bound : (i) => col[i]! < bound);
      continue;
    }
    const col = columns.column(fieldOf(param));
    const match = Array.isArray(value) ? anyOfMatcher(value) : typeof value === 'string' ? textMatcher(value) : (v: unknown) => v === value;
    tests.push((i) => match(col[i]));
  }
  return and(...tests);
}

/** The terms of `q=billing+issue`, lower-cased; empty when there is nothing to search. */
export function searchTerms(q: string | undefined): string[] {
  return (q ?? '').toLowerCase().split(/\s+/).filter(Boolean);
}

/** Every term must appear in the (lower-cased) text of the record at that position. */
export function searchPredicate(terms: string[], texts: () => readonly string[]): Predicate | undefined {
  if (terms.length === 0) return undefined;
  const col = texts();
  return (i) => {
    const text = col[i]!;
    for (const t of terms) if (!text.includes(t)) return false;
    return true;
  };
}

export function and(...predicates: (Predicate | undefined)[]): Predicate | undefined {
  const list = predicates.filter((p): p is Predicate => !!p);
  if (list.length <= 1) return list[0];
  return (i) => {
    for (const p of list) if (!p(i)) return false;
    return true;
  };
}

/** One page of the matching records, counting all matches without copying the collection. */
export function paginate(records: readonly Rec[], predicate: Predicate | undefined, page: number, perPage: number) {
  const start = (page - 1) * perPage;
  if (!predicate) return { items: records.slice(start, start + perPage), total: records.length };
  const items: Rec[] = [];
  let total = 0;
  for (let i = 0; i < records.length; i++) {
    if (!predicate(i)) continue;
    if (total >= start && items.length < perPage) items.push(records[i]!);
    total++;
  }
  return { items, total };
}

export interface PageMeta {
  current_page: number;
  per_page: number;
  total_pages: number;
  total_count: number;
}

export interface PageLinks {
  first: string;
  prev: string | null;
  next: string | null;
  last: string;
}

function encode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+').replace(/%2C/gi, ',').replace(/%3A/gi, ':').replace(/%2A/gi, '*').replace(/%40/gi, '@');
}

/**
 * meta and links as the overview shows them. Links are relative, keep the request's
 * parameters in their order except those equal to their defaults, and always carry `page`.
 */
export function pageEnvelope(
  path: string,
  search: string,
  defaults: Record<string, unknown>,
  page: number,
  perPage: number,
  total: number,
): { meta: PageMeta; links: PageLinks } {
  const totalPages = Math.max(1, Math.ceil(total / perPage));
  const kept: [string, string][] = [];
  let pageAt = -1;
  for (const [name, value] of new URLSearchParams(search)) {
    if (name === 'page') {
      if (pageAt < 0) pageAt = kept.length;
      continue;
    }
    if (defaults[name] !== undefined && String(defaults[name]) === value) continue;
    kept.push([name, value]);
  }
  if (pageAt < 0) pageAt = kept.length;
  const link = (n: number) => {
    const parts = kept.map(([k, v]) => `${encode(k)}=${encode(v)}`);
    parts.splice(pageAt, 0, `page=${n}`);
    return `${path}?${parts.join('&')}`;
  };
  return {
    meta: { current_page: page, per_page: perPage, total_pages: totalPages, total_count: total },
    links: {
      first: link(1),
      prev: page > 1 ? link(Math.min(page - 1, totalPages)) : null,
      next: page < totalPages ? link(page + 1) : null,
      last: link(totalPages),
    },
  };
}
