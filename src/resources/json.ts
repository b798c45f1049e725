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

/** `{"data": {...}}` */
export function oneJson(record: Rec): string {
  return `{"data":${recordJson(record)}}`;
}
