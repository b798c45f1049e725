import { createApp } from '../../src/app.js';
import { createClock, type Clock } from '../../src/clock.js';
import { createLogger } from '../../src/logger.js';
import { buildDeps, type AppDeps, type BuildOptions } from '../../src/deps.js';
import { assertMatchesSpec } from './spec-check.js';

export const TEST_KEY = 'sk_test_commflow';
export const LIVE_KEY = 'sk_live_commflow';

export interface CallOptions {
  /** Bearer credential; `null` sends no Authorization header. Default: the test key. */
  key?: string | null;
  /** JSON-encoded unless it is already a string. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface Harness {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  clock: Clock;
  call<T = any>(method: string, path: string, opts?: CallOptions): Promise<Reply<T>>;
  get<T = any>(path: string, opts?: CallOptions): Promise<Reply<T>>;
}

/** A fresh in-process app (memory store, frozen clock, silent logs); every reply is checked against openapi.yaml. */
export async function harness(options: BuildOptions = {}): Promise<Harness> {
  const clock = options.clock ?? createClock();
  if (!options.clock) clock.freeze(Date.parse('2026-07-01T12:00:00Z'));
  // Rate limiting is off unless a test asks for it: suites make far more than 300 requests a minute.
  const deps = await buildDeps({ logger: createLogger('silent'), rateLimit: false, ...options, clock });
  const app = createApp(deps);
  const call = async <T>(method: string, path: string, opts: CallOptions = {}): Promise<Reply<T>> => {
    const headers: Record<string, string> = { ...opts.headers };
    const key = opts.key === undefined ? TEST_KEY : opts.key;
    if (key !== null) headers.authorization ??= `Bearer ${key}`;
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await app.request(path, { method, headers, body });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    let parsed: unknown = null;
    if (type.includes('json')) parsed = JSON.parse(text);
    else if (type.includes('text/html') || type.includes('text/event-stream')) parsed = text;
    else if (res.status >= 400) throw new Error(`${method} ${path} → ${res.status} with non-JSON body: ${text.slice(0, 200)}`);
    // A 5xx other than 500 only when the request asked for it (Prefer: code=503).
    const prefer = Object.entries(headers).find(([name]) => name.toLowerCase() === 'prefer')?.[1] ?? '';
    const asked = new RegExp(`\\bcode=${res.status}\\b`).test(prefer);
    if (res.status > 500 && !asked) throw new Error(`${method} ${path} → ${res.status}`);
    await assertMatchesSpec(method, path, res.status, res.status === 204 ? (text === '' ? null : text) : parsed);
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  };
  return { app, deps, clock, call, get: (path, opts) => call('GET', path, opts) };
}
