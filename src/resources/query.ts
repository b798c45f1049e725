/**
 * The query language of every list, as pure functions: filters (equality, comma lists,
 * `*` wildcards, date ranges), full-text `q`, sorting and pagination with meta and links.
 */
import type { Rec } from '../store/types.js';
import { parseInstant } from '../clock.js';
import { intersectAll, unionOf } from '../store/positions.js';
import { textMatcher } from '../text-match.js';

/** Tests the record at a position of a view. */
export type Predicate = (index: number) => boolean;

/** Field values by position, in the order being listed (see View in store/collection.ts). */
export interface Columns {
  column(field: string): readonly unknown[];
  /** A timestamp column as milliseconds since the epoch (NaN where absent). */
  instants(field: string): Float64Array;
  /** The same values lower-cased (strings only; others unchanged). */
  lowered(field: string): readonly unknown[];
}

/** Columns plus the indexes a view keeps: value → positions, and word → positions. */
export interface Indexed extends Columns {
  readonly length: number;
  positionsOf(field: string, value: unknown): readonly number[];
  words(name: string, texts: () => readonly string[]): Map<string, readonly number[]>;
  /** Ascending positions of the records with a word of `name`'s texts that contains `term` (cached per term). */
  matching(name: string, term: string, texts: () => readonly string[]): readonly number[];
}

export const RESERVED = new Set(['page', 'per_page', 'sort', 'order', 'q']);
const DATE_FILTERS: Record<string, { field: string; op: 'gte' | 'lt' }> = {
  created_after: { field: 'created_at', op: 'gte' },
  created_before: { field: 'created_at', op: 'lt' },
  updated_after: { field: 'updated_at', op: 'gte' },
  updated_before: { field: 'updated_at', op: 'lt' },
};

/** Maps a query parameter to the record field it filters (`tag` → `tags`). */
export type FieldOf = (param: string) => string;

/**
 * One predicate from the scalar filters of an (already validated) query: dates, `*` patterns
 * and booleans. Comma lists go through the view's indexes instead (planQuery).
 */
export function buildPredicate(query: Record<string, unknown>, columns: Columns, fieldOf: FieldOf = (p) => p): Predicate | undefined {
  const tests: Predicate[] = [];
  for (const [param, value] of Object.entries(query)) {
    if (value === undefined || RESERVED.has(param)) continue;
    const date = DATE_FILTERS[param];
    if (date) {
      const bound = parseInstant(String(value));
      const col = columns.instants(date.field);
      tests.push(date.op === 'gte' ? (i) => col[i]! >= bound : (i) => col[i]! < bound);
      continue;
    }
    const field = fieldOf(param);
    if (typeof value === 'string') {
      const col = columns.lowered(field);
      const match = textMatcher(value);
      tests.push((i) => match(col[i]));
      continue;
    }
    const col = columns.column(field);
    tests.push((i) => col[i] === value);
  }
  return and(...tests);
}

/** The terms of `q=billing+issue`, lower-cased; empty when there is nothing to search. */
export function searchTerms(q: string | undefined): string[] {
  return (q ?? '').toLowerCase().split(/\s+/).filter(Boolean);
}

export function and(...predicates: (Predicate | undefined)[]): Predicate | undefined {
  const list = predicates.filter((p): p is Predicate => !!p);
  if (list.length <= 1) return list[0];
  return (i) => {
    for (const p of list) if (!p(i)) return false;
    return true;
  };
}

/**
 * Positions in every set, where each set is the union of some ascending position lists
 * (duplicates within a union count once), ascending: the shortest union filtered through the
 * others' membership bits, so a selective filter costs what it selects, not the size of the view.
 */
export function intersectUnions(sets: (readonly number[])[][], size: number): readonly number[] {
  return intersectAll(
    sets.map((lists) => unionOf(lists, size)),
    size,
  );
}

/**
 * Plans a list query: comma-list equality filters and search terms go through the view's
 * indexes (candidate positions); wildcards, dates and booleans become a predicate over columns.
 */
export function planQuery(
  query: Record<string, unknown>,
  view: Indexed,
  fieldOf: FieldOf,
  terms: string[],
  texts: () => readonly string[],
): { positions?: readonly number[]; predicate?: Predicate } {
  const sets: (readonly number[])[][] = [];
  const rest: Record<string, unknown> = {};
  for (const [param, value] of Object.entries(query)) {
    if (value === undefined || RESERVED.has(param)) continue;
    if (Array.isArray(value)) sets.push(value.map((v) => view.positionsOf(fieldOf(param), v)));
    else rest[param] = value;
  }
  for (const term of terms) sets.push([view.matching('$search', term, texts)]);
  const predicate = buildPredicate(rest, view, fieldOf);
  return sets.length ? { positions: intersectUnions(sets, view.length), predicate } : { predicate };
}

/** One page of the matching records, counting all matches without copying the collection. */
export function paginate(records: readonly Rec[], predicate: Predicate | undefined, page: number, perPage: number, positions?: readonly number[]) {
  const start = (page - 1) * perPage;
  if (!predicate && !positions) return { items: records.slice(start, start + perPage), total: records.length };
  if (!predicate && positions) {
    return { items: positions.slice(start, start + perPage).map((i) => records[i]!), total: positions.length };
  }
  const items: Rec[] = [];
  let total = 0;
  const n = positions ? positions.length : records.length;
  for (let k = 0; k < n; k++) {
    const i = positions ? positions[k]! : k;
    if (!predicate!(i)) continue;
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
  if (/^[\w.~-]*$/.test(value)) return value; // nothing to escape (the usual case)
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
  // Every link is the same but for its page: encode the rest once.
  const parts = kept.map(([k, v]) => `${encode(k)}=${encode(v)}`);
  const before = `${path}?${parts
    .slice(0, pageAt)
    .map((p) => `${p}&`)
    .join('')}page=`;
  const after = parts
    .slice(pageAt)
    .map((p) => `&${p}`)
    .join('');
  const link = (n: number) => `${before}${n}${after}`;
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
