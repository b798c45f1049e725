/**
 * A seeded, schema-aware request generator: for any operation of openapi.yaml it builds a
 * request from the operation's own schemas, then (most of the time) breaks it in one of the
 * ways hostile clients do: wrong types, unknown and prototype keys, deep nesting, huge and
 * unrepresentable values, broken JSON, wrong content types, absurd headers and queries.
 */
import type { Operation } from '../../src/openapi/operations.js';
import { resolveRef, type JsonObject, type Spec } from '../../src/openapi/spec.js';

export type Rng = () => number;

/** mulberry32: small, fast, good enough to pick mutations reproducibly. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: Rng, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
const int = (r: Rng, min: number, max: number) => min + Math.floor(r() * (max - min + 1));

export const INHERITED = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'prototype'];
const ODD_DATES = [
  '2016-12-31T23:59:60Z',
  '+275760-09-13T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '0000-01-01T00:00:00Z',
  '2026-02-30T00:00:00Z',
  '1969-12-31T23:59:59Z',
  '2026-01-01',
];
const ODD_STRINGS = ['', ' ', '*', '**', '%', '%00', '\u0000', '\ud800', '🙂', 'a'.repeat(5000), '<script>', '../../etc/passwd', 'null', '{}', ...INHERITED];

/** Values that pass the spec's patterns (a regex cannot be inverted in general). */
const PATTERNED: Record<string, string[]> = {
  '^https?://[^\\s/?#]+[^\\s]*$': ['http://127.0.0.1:9/hook', 'https://127.0.0.1:9/h?x=1', 'http://localhost:9/'],
  '^whsec_[A-Za-z0-9+/]+=*$': ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwTJ0FkUq1'],
  '^[A-Za-z0-9._-]{1,100}$': ['snap', 'a.b-c_d', 'x'.repeat(100)],
  '^\\s*(\\S+\\s+){0,9}\\S*\\s*$': ['billing', 'billing issue', 'a b c d e f g h i j'],
};

export interface KnownIds {
  [param: string]: string[];
}

export class Generator {
  constructor(
    private readonly spec: Spec,
    private readonly r: Rng,
  ) {}

  /** A value that fits the schema (most of the time: patterns and formats are sampled from known-good lists). */
  value(node: unknown, depth = 0): unknown {
    const r = this.r;
    const s = resolveRef<JsonObject>(this.spec, node ?? {});
    if (s.nullable === true && r() < 0.1) return null;
    if (Array.isArray(s.allOf)) return this.value(s.allOf[0], depth);
    if (Array.isArray(s.anyOf) || Array.isArray(s.oneOf)) return this.value(pick(r, (s.anyOf ?? s.oneOf) as unknown[]), depth);
    if (Array.isArray(s.enum)) return pick(r, s.enum);
    if (s.default !== undefined && r() < 0.1) return structuredClone(s.default);
    switch (s.type) {
      case 'string': {
        if (typeof s.pattern === 'string') return pick(r, PATTERNED[s.pattern] ?? ['x']);
        if (s.format === 'date-time') return r() < 0.8 ? '2026-03-01T10:00:00Z' : pick(r, ODD_DATES);
        if (s.format === 'date') return '2026-01-01';
        if (s.format === 'email') return `fuzz${int(r, 0, 1e6)}@example.com`;
        if (s.format === 'uri') return 'http://127.0.0.1:9/cb';
        const max = Math.min(Number(s.maxLength ?? 40), 40);
        const min = Number(s.minLength ?? 0);
        return 'f'.repeat(Math.max(min, int(r, min, max)));
      }
      case 'integer':
        return int(r, Number(s.minimum ?? 0), Math.min(Number(s.maximum ?? 1000), 1e9));
      case 'number':
        return Number(s.minimum ?? 0) + r() * (Math.min(Number(s.maximum ?? 1), 1e9) - Number(s.minimum ?? 0));
      case 'boolean':
        return r() < 0.5;
      case 'array': {
        if (depth > 6) return [];
        const count = int(r, Number(s.minItems ?? 0), Math.min(Number(s.maxItems ?? 3), 3));
        const items = Array.from({ length: count }, () => this.value(s.items, depth + 1));
        return s.uniqueItems ? [...new Map(items.map((i) => [JSON.stringify(i), i])).values()] : items;
      }
      default: {
        if (depth > 6) return {};
        const out: Record<string, unknown> = {};
        const required = new Set((s.required as string[] | undefined) ?? []);
        for (const [name, prop] of Object.entries((s.properties as Record<string, unknown> | undefined) ?? {})) {
          if (required.has(name) || r() < 0.5) out[name] = this.value(prop, depth + 1);
        }
        if (s.additionalProperties === true || (typeof s.additionalProperties === 'object' && s.additionalProperties && !s.properties)) {
          for (let i = int(r, 0, 2); i > 0; i--)
            out[`k${int(r, 0, 99)}`] = s.additionalProperties === true ? int(r, 0, 9) : this.value(s.additionalProperties, depth + 1);
        }
        return out;
      }
    }
  }

  /** Something that breaks a value: another type, a huge or odd string, deep nesting, an inherited name. */
  breaking(): unknown {
    const r = this.r;
    switch (int(r, 0, 7)) {
      case 0:
        return pick(r, [null, true, 0, -1, 1e308, -0, 1.5, 2 ** 53 + 2]);
      case 1:
        return pick(r, ODD_STRINGS);
      case 2:
        return pick(r, ODD_DATES);
      case 3:
        return nest(int(r, 20, 200), r() < 0.5);
      case 4:
        return 'x'.repeat(int(r, 100, 200_000));
      case 5:
        return Array.from({ length: int(r, 50, 5000) }, (_, i) => `v${i}`);
      case 6:
        return Object.fromEntries(Array.from({ length: int(r, 10, 3000) }, (_, i) => [`u${i}`, i]));
      default:
        return pick(r, INHERITED);
    }
  }
}

/** A value nested `depth` levels deep (arrays or objects). */
export function nest(depth: number, arrays: boolean): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = arrays ? [v] : { a: v };
  return v;
}

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** What was done to it, for failure messages. */
  how: string;
  /** True when the request itself asks for a 5xx (Prefer code=5xx). */
  asksFor5xx: boolean;
}

export interface FuzzContext {
  spec: Spec;
  operations: Operation[];
  /** Bearer values to pick from (valid keys of two workspaces, a read-only key, junk). */
  credentials: (string | null)[];
  /** Ids that exist, per path parameter name. */
  ids: KnownIds;
}

// TRACE and CONNECT cannot be built with fetch's Request; the socket fuzz sends them.
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'PROPFIND', 'PURGE'];
const TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/vnd.api+json',
  '',
];

/** encodeURIComponent, but a lone surrogate becomes its (invalid) UTF-8 bytes instead of throwing. */
function enc(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return text.replace(/[\ud800-\udfff]/g, '%ED%A0%80').replace(/[^%\w.~-]/g, (c) => encodeURIComponent(c));
  }
}

function encodeQuery(query: Record<string, unknown>, op: Operation): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(query)) {
    const param = op.query.get(name);
    const values = Array.isArray(value) ? (param?.commaList ? [value.join(',')] : value) : [value];
    for (const v of values) parts.push(`${enc(name)}=${enc(typeof v === 'string' ? v : JSON.stringify(v))}`);
  }
  return parts.join('&');
}

/** One request for an operation: valid by construction, then usually broken in one way. */
export function fuzzRequest(ctx: FuzzContext, g: Generator, r: Rng, op: Operation): FuzzRequest {
  const spec = ctx.spec;
  const raw = spec.paths[op.path]![op.method] as JsonObject;
  const params = [...((spec.paths[op.path]!.parameters as unknown[]) ?? []), ...((raw.parameters as unknown[]) ?? [])].map((p) =>
    resolveRef<JsonObject>(spec, p),
  );
  let path = op.path;
  const query: Record<string, unknown> = {};
  const headers: Record<string, string> = {};
  for (const p of params) {
    const name = String(p.name);
    if (p.in === 'path') {
      const known = ctx.ids[name] ?? [];
      const id = known.length && r() < 0.7 ? pick(r, known) : String(g.value(p.schema));
      path = path.replace(`{${name}}`, enc(id));
    } else if (p.in === 'query' && (p.required === true || r() < 0.3)) {
      query[name] = g.value(p.schema);
    }
  }
  let body: unknown;
  let type = 'application/json';
  if (op.body !== 'none') {
    const content = (resolveRef<JsonObject>(spec, raw.requestBody).content ?? {}) as Record<string, JsonObject>;
    const [mediaType, media] = Object.entries(content)[0]!;
    body = g.value(media.schema);
    type = mediaType;
  }
  const credential = pick(r, ctx.credentials);
  if (credential !== null) headers.authorization = `Bearer ${credential}`;
  let how = 'valid';
  let method = op.method.toUpperCase();
  let text: string | undefined;
  const mutation = r() < 0.25 ? -1 : int(r, 0, 13);
  switch (mutation) {
    case 0: {
      // A field with a value that breaks it (or an unknown field).
      if (body && typeof body === 'object' && !Array.isArray(body)) {
        const keys = Object.keys(body);
        const key = keys.length && r() < 0.7 ? pick(r, keys) : pick(r, ['bogus', ...INHERITED]);
        (body as Record<string, unknown>)[key] = g.breaking();
        how = `body.${key} broken`;
      } else {
        query[pick(r, [...op.query.keys(), 'bogus'])] = g.breaking();
        how = 'query value broken';
      }
      break;
    }
    case 1:
      body = g.breaking();
      how = 'body replaced';
      break;
    case 2:
      text = pick(r, [
        '{',
        '{"a":',
        '[1,2',
        'nul',
        '{"a":1}}',
        '\u0000',
        '{"__proto__":{"polluted":1}}',
        '{"constructor":{"prototype":{"polluted":1}}}',
        `${'['.repeat(100000)}`,
        '"str"',
        '1e999',
      ]);
      how = 'raw JSON text';
      break;
    case 3:
      type = pick(r, TYPES);
      how = `content-type ${type}`;
      break;
    case 4:
      path = path.replace(/\/[^/]+$/, `/${enc(pick(r, [...INHERITED, ...ODD_STRINGS.slice(0, 8)]))}`);
      how = 'odd id';
      break;
    case 5: {
      const prefer = pick(r, [
        'code=500',
        'code=418',
        'code=200',
        'code=204',
        'code=',
        'latency=5',
        'latency=-1',
        'respond-async',
        'return=minimal',
        `code=${op.statuses[0]}`,
        '\u00ff',
        'x'.repeat(300),
      ]);
      headers.prefer = prefer;
      how = `Prefer: ${prefer.slice(0, 20)}`;
      break;
    }
    case 6: {
      headers.authorization = pick(r, [
        'Bearer',
        'Bearer ',
        'Basic x',
        'bearer sk_test_commflow',
        `Bearer ${'k'.repeat(8000)}`,
        'Bearer sk_test_commflow extra',
        'Token sk_test_commflow',
      ]);
      how = 'odd Authorization';
      break;
    }
    case 7: {
      const q = pick(r, [
        'page=0',
        'page=1e309',
        'per_page=-1',
        'per_page=101',
        'q=%',
        'q=%E0%A4%A',
        `status=${Array(150).fill('open').join(',')}`,
        'sort=__proto__',
        'page=1&page=2',
        '__proto__=1',
        'a[b]=c',
        `q=${'a+'.repeat(50)}`,
        'created_after=2016-12-31T23:59:60Z',
      ]);
      path = `${path}?${q}`;
      how = `query ${q.slice(0, 30)}`;
      break;
    }
    case 8:
      method = pick(r, METHODS);
      how = `method ${method}`;
      break;
    case 9:
      if (body && typeof body === 'object') {
        text = JSON.stringify(body).replace(/^\{/, `{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},`).replace(/,}$/, '}');
        how = 'prototype keys in body';
      }
      break;
    case 10:
      text = JSON.stringify({ ...(typeof body === 'object' && body ? body : {}), deep: nest(int(r, 30, 3000), r() < 0.5) });
      how = 'deep nesting';
      break;
    case 11:
      headers[pick(r, ['x-huge', 'cookie', 'content-length', 'transfer-encoding', 'origin', 'accept'])] = pick(r, [
        'x'.repeat(10_000),
        '-1',
        'chunked, gzip',
        'https://evil.example',
        '*/*',
      ]);
      how = 'odd header';
      break;
    case 12:
      body = op.body === 'none' ? { unexpected: true } : undefined;
      how = 'body where none belongs, or none where one does';
      break;
    default:
      break;
  }
  const search = encodeQuery(query, op);
  if (search) path += (path.includes('?') ? '&' : '?') + search;
  if (text === undefined && body !== undefined && method !== 'GET' && method !== 'HEAD') {
    text =
      type === 'application/x-www-form-urlencoded' && body && typeof body === 'object'
        ? new URLSearchParams(Object.entries(body).map(([k, v]): [string, string] => [k, String(v)])).toString()
        : JSON.stringify(body);
  }
  if (text !== undefined && type) headers['content-type'] = type;
  // Keep the run fast: no long sleeps, no long flush waits.
  if (headers.prefer?.startsWith('latency=')) headers.prefer = 'latency=5';
  if (op.id === 'mockFlushWebhooks') text = JSON.stringify({ timeout_ms: 20 });
  const asksFor5xx = /code\s*=\s*5\d\d/.test(headers.prefer ?? '');
  return { method, path, headers, body: method === 'GET' || method === 'HEAD' ? undefined : text, how, asksFor5xx };
}
