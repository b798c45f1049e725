import type { Rec } from '../store/types.js';
import type { ListPage } from './engine.js';

/** Records are immutable, so each one's JSON is computed once and reused by every response. */
const serialized = new WeakMap<Rec, string>();

export function recordJson(record: Rec): string {
  let json = serialized.get(record);
  if (json === undefined) {
    json = JSON.stringify(record);
    serialized.set(record, json);
  }
  return json;
}

/** `{"data": [...], "meta": {...}, "links": {...}}` from cached record JSON. */
export function listJson(page: ListPage): string {
  return `{"data":[${page.data.map(recordJson).join(',')}],"meta":${JSON.stringify(page.meta)},"links":${JSON.stringify(page.links)}}`;
}

const enveloped = new WeakMap<Rec, string>();

/**
 * `{"data": {...}}`, also computed once per record: every answer for it is then the very same flat
 * string (a new concatenation per answer was flattened again by each write, and was one more
 * string per request for the journal to hold while the inspector is open).
 */
export function oneJson(record: Rec): string {
  let json = enveloped.get(record);
  if (json === undefined) {
    json = `{"data":${recordJson(record)}}`;
    enveloped.set(record, json);
  }
  return json;
}
