import { LIMITS } from '../limits.js';
import { dict, own, type Dict } from './dict.js';
import { unionOf } from './positions.js';
import type { ChangeSink } from './transactions.js';
import type { Rec } from './types.js';

export type Order = 'asc' | 'desc';

/** Compares two field values; null/undefined sort after everything (like SQL's NULLS LAST on asc). */
export type Ranker = (value: unknown) => string | number | null;

function compareValues(a: string | number | null, b: string | number | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

/** Sorts a copy by a ranked field, ties by id; `desc` is the exact reverse of `asc`. */
export function sortRecords(list: readonly Rec[], field: string, order: Order, rank: Ranker = defaultRank): Rec[] {
  const keyed = list.map((r) => ({ r, k: rank(r[field]) }));
  keyed.sort((a, b) => compareValues(a.k, b.k) || (a.r.id < b.r.id ? -1 : a.r.id > b.r.id ? 1 : 0));
  const records = keyed.map((x) => x.r);
  return order === 'desc' ? records.reverse() : records;
}

const defaultRank: Ranker = (v) => (v ?? null) as string | number | null;

/**
 * Records in one order, with columns (one field's values in that order) built on first
 * use and cached: list filters scan compact arrays instead of chasing 100k records.
 */
export class View {
  private columns = new Map<string, readonly unknown[]>();
  private instantColumns = new Map<string, Float64Array>();
  private valueIndexes = new Map<string, Map<string, number[]>>();
  private wordIndexes = new Map<string, Map<string, number[]>>();
  private termPositions = new Map<string, readonly number[]>();

  constructor(readonly records: readonly Rec[]) {}

  get length(): number {
    return this.records.length;
  }

  /** Ascending positions of the records whose field equals the value (or, for arrays, holds it). */
  positionsOf(field: string, value: unknown): readonly number[] {
    let index = this.valueIndexes.get(field);
    if (!index) {
      index = new Map();
      const values = this.column(field);
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        for (const item of Array.isArray(v) ? new Set(v) : [v]) {
          if (item === null || item === undefined) continue;
          const key = String(item);
          const list = index.get(key);
          if (list) list.push(i);
          else index.set(key, [i]);
        }
      }
      this.valueIndexes.set(field, index);
    }
    return index.get(String(value)) ?? [];
  }

  /** Whitespace-separated words of a text column → ascending positions of the records holding them. */
  words(name: string, texts: () => readonly string[]): Map<string, number[]> {
    let index = this.wordIndexes.get(name);
    if (!index) {
      index = new Map();
      const col = texts();
      for (let i = 0; i < col.length; i++) {
        for (const word of new Set(col[i]!.split(/\s+/))) {
          if (!word) continue;
          const list = index.get(word);
          if (list) list.push(i);
          else index.set(word, [i]);
        }
      }
      this.wordIndexes.set(name, index);
    }
    return index;
  }

  /**
   * Ascending positions of the records with a word of the `name` index that contains `term`:
   * the union over every such word, kept for the next query with that term (at most
   * LIMITS.searchTermsPerView terms a view, the oldest dropped first).
   */
  matching(name: string, term: string, texts: () => readonly string[]): readonly number[] {
    const key = `${name}\0${term}`;
    let positions = this.termPositions.get(key);
    if (!positions) {
      const lists: number[][] = [];
      for (const [word, list] of this.words(name, texts)) if (word.includes(term)) lists.push(list);
      positions = unionOf(lists, this.records.length);
      if (this.termPositions.size >= LIMITS.searchTermsPerView) this.termPositions.delete(this.termPositions.keys().next().value!);
      this.termPositions.set(key, positions);
    }
    return positions;
  }

  column(field: string): readonly unknown[] {
    let values = this.columns.get(field);
    if (!values) {
      values = this.records.map((r) => r[field]);
      this.columns.set(field, values);
    }
    return values;
  }

  instants(field: string): Float64Array {
    let values = this.instantColumns.get(field);
    if (!values) {
      values = Float64Array.from(this.records, (r) => (typeof r[field] === 'string' ? Date.parse(r[field] as string) : NaN));
      this.instantColumns.set(field, values);
    }
    return values;
  }

  lowered(field: string): readonly unknown[] {
    return this.derived(`$lower:${field}`, (r) => {
      const v = r[field];
      return typeof v === 'string' ? v.toLowerCase() : v;
    });
  }

  /** A computed column, cached under `name` (e.g. each record's search text). */
  derived<T>(name: string, compute: (r: Rec) => T): readonly T[] {
    let values = this.columns.get(name) as T[] | undefined;
    if (!values) {
      values = this.records.map(compute);
      this.columns.set(name, values);
    }
    return values;
  }
}

/** Sorted views of frozen record maps (fixtures shared by workspaces), shared as the maps are. */
const sharedViews = new WeakMap<Dict<Rec>, Map<string, { version: number; view: View }>>();

/**
 * One collection of one workspace: the persisted object (id → record, owned by lowdb,
 * without a prototype) plus derived indexes that are rebuilt lazily after a write. Get by
 * id is O(1); sorted views and parent indexes are computed once per version, never per request.
 * A frozen record map is shared (the fixtures of a seed): the first write copies it and hands
 * the copy to `detach`, which puts it where the map was; until then its views are shared too.
 */
export class Collection {
  private version = 0;
  private count: number;
  private ownViews = new Map<string, { version: number; view: View }>();
  private parentIndexes = new Map<string, { version: number; map: Map<unknown, Rec[]> }>();

  constructor(
    private records: Dict<Rec>,
    private readonly onChange: ChangeSink = () => undefined,
    private readonly detach: (copy: Dict<Rec>) => void = () => undefined,
  ) {
    this.count = Object.keys(records).length;
  }

  private get sortedViews(): Map<string, { version: number; view: View }> {
    if (!Object.isFrozen(this.records)) return this.ownViews;
    let views = sharedViews.get(this.records);
    if (!views) {
      views = new Map();
      sharedViews.set(this.records, views);
    }
    return views;
  }

  get size(): number {
    return this.count;
  }

  get(id: string): Rec | undefined {
    return own(this.records, id);
  }

  has(id: string): boolean {
    return Object.hasOwn(this.records, id);
  }

  /** Inserts or replaces a record (records are immutable: pass a new object). */
  put(record: Rec): void {
    const previous = this.get(record.id);
    this.set(record.id, record);
    this.onChange(
      () => this.set(record.id, previous),
      () => this.set(record.id, record),
    );
  }

  remove(id: string): Rec | undefined {
    const old = this.get(id);
    if (old) {
      this.set(id, undefined);
      this.onChange(
        () => this.set(id, old),
        () => this.set(id, undefined),
      );
    }
    return old;
  }

  private set(id: string, record: Rec | undefined): void {
    if (Object.isFrozen(this.records)) {
      this.records = dict(this.records);
      this.detach(this.records);
    }
    const had = Object.hasOwn(this.records, id);
    if (record) this.records[id] = record;
    else delete this.records[id];
    this.count += (record ? 1 : 0) - (had ? 1 : 0);
    this.version++;
  }

  values(): Rec[] {
    return Object.values(this.records);
  }

  /** All records sorted by a field (ranked by `rank`), ties by id, cached until the next write. */
  sorted(field: string, order: Order, rank: Ranker = defaultRank): View {
    const key = `${field}:${order}`;
    const hit = this.sortedViews.get(key);
    if (hit && hit.version === this.version) return hit.view;
    const asc = this.sortedViews.get(`${field}:asc`);
    const records = order === 'desc' && asc && asc.version === this.version ? [...asc.view.records].reverse() : sortRecords(this.values(), field, order, rank);
    const view = new View(records);
    this.sortedViews.set(key, { version: this.version, view });
    return view;
  }

  /** Records whose `field` equals `value` (e.g. the messages of one conversation). */
  where(field: string, value: unknown): Rec[] {
    let index = this.parentIndexes.get(field);
    if (!index || index.version !== this.version) {
      const map = new Map<unknown, Rec[]>();
      for (const r of this.values()) {
        const list = map.get(r[field]);
        if (list) list.push(r);
        else map.set(r[field], [r]);
      }
      index = { version: this.version, map };
      this.parentIndexes.set(field, index);
    }
    return index.map.get(value) ?? [];
  }
}
