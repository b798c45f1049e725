import type { Rec } from '../store/types.js';
import type { ListPage } from './engine.js';

/**
 * Records are immutable, so each one's JSON is computed once and reused by every response: kept
 * as `{"data":…}`, what GET one answers (every answer, and every response the journal keeps while
 * the inspector is open, is then the very same flat string), and cut from it for lists (a slice
 * points into it, so the record's JSON is held once).
 */
const serialized = new WeakMap<Rec, string>();
const PREFIX = '{"data":'.length;

/** `{"data": {...}}` */
export function oneJson(record: Rec): string {
  let json = serialized.get(record);
  if (json === undefined) {
    json = `{"data":${JSON.stringify(record)}}`;
    serialized.set(record, json);
  }
  return json;
}

export function recordJson(record: Rec): string {
  return oneJson(record).slice(PREFIX, -1);
}

/** `{"data": [...], "meta": {...}, "links": {...}}` from cached record JSON. */
export function listJson(page: ListPage): string {
  return `{"data":[${page.data.map(recordJson).join(',')}],"meta":${JSON.stringify(page.meta)},"links":${JSON.stringify(page.links)}}`;
}
