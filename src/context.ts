import type { Context } from 'hono';
import type { Operation } from './openapi/operations.js';
import type { ValidInput } from './openapi/validator.js';
import type { Plan } from './store/types.js';

/** Who is calling: resolved from the Bearer credential. */
export interface Principal {
  kind: 'api_key' | 'oauth';
  credentialId: string;
  workspaceId: string;
  scopes: ReadonlySet<string>;
  plan: Plan;
  mode: 'test' | 'live';
}

/** Hono context variables set along the pipeline. */
export interface AppEnv {
  Variables: {
    op: Operation;
    principal: Principal | undefined;
    input: ValidInput;
    /** Set when the body was refused (too large): nobody reads it then. */
    bodyRefused: boolean;
    /** Set once the body step has read the body (later steps read its buffered copy). */
    bodyRead: boolean;
    /** Headers the pipeline adds to the answer (rate limits, Preference-Applied), lower-cased; see `respond`. */
    answerHeaders: Record<string, string> | undefined;
    /** The fault rule that hit the request (for the journal). */
    fault: string;
    /** What of its `Prefer` header applied (for the journal). */
    preferApplied: string;
  };
}

/** A request header, read from Node's own parsed headers on a socket (Hono's would build a Headers object per request). */
export function requestHeader(c: Context<AppEnv>, name: string): string | undefined {
  const headers = (c.env as { incoming?: { headers?: Record<string, string | string[] | undefined> } } | undefined)?.incoming?.headers;
  if (!headers) return c.req.header(name);
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Adds a header to the answer of the operation (kept in a plain record until the answer is made). */
export function addAnswerHeader(c: Context<AppEnv>, name: string, value: string): void {
  const headers = c.get('answerHeaders');
  if (headers) headers[name] = value;
  else c.set('answerHeaders', { [name]: value });
}

const answered = new WeakSet<Response>();

/**
 * The answer of an operation with the headers the pipeline gathered, as a plain record: Node
 * writes it as it is, where Hono's c.body/c.json would build a Headers object and node-server
 * iterate it again (a tenth of a GET's cost in the profile).
 */
export function respond(c: Context<AppEnv>, body: string | null, status: number, type: string | null = 'application/json'): Response {
  const gathered = c.get('answerHeaders');
  const headers: Record<string, string> = type === null ? { ...gathered } : { 'content-type': type, ...gathered };
  const res = new Response(body, { status, headers });
  answered.add(res);
  return res;
}

/**
 * Puts the gathered headers on an answer that did not come from `respond` (one made with
 * c.json, say): each step that gathers a header calls it after `next()`, so no header is lost
 * whatever made the answer. An answer from `respond` holds them already and is left alone.
 */
export function withAnswerHeaders(c: Context<AppEnv>): void {
  const gathered = c.get('answerHeaders');
  if (!gathered || answered.has(c.res)) return;
  for (const [name, value] of Object.entries(gathered)) c.res.headers.set(name, value);
}

/** What answers an operation (one per operationId, in src/routes/). */
export type Handler = (c: Context<AppEnv>) => Promise<Response> | Response;
