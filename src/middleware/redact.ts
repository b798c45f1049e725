import { redact } from '../errors.js';
import { LIMITS } from '../limits.js';
import { dict } from '../store/dict.js';

/**
 * How the journal shows credentials: cut to what identifies them (their kind and a few
 * characters), in headers, queries, JSON bodies and text it cannot parse.
 */

/** Request and query fields whose values are credentials: the journal shows only a prefix. */
export const SECRET_FIELDS = new Set([
  'client_secret',
  'code',
  'code_verifier',
  'refresh_token',
  'token',
  'access_token',
  'id_token',
  'password',
  'secret',
  'api_key',
]);
export const SECRET_HEADERS = new Set(['proxy-authorization', 'cookie', 'set-cookie']);

/** A credential cut to what identifies it (its kind and a few characters), never more than a third of it. */
export function cut(secret: string): string {
  return `${redact(secret).slice(0, Math.floor(secret.length / 3))}…`;
}

const FIELD_NAMES = [...SECRET_FIELDS].join('|');
/** `"client_secret": "…"` in JSON text, `client_secret=…` in a form or query. */
const SECRET_IN_JSON = new RegExp(`("(?:${FIELD_NAMES})"\\s*:\\s*")((?:[^"\\\\]|\\\\.)*)`, 'g');
const SECRET_IN_FORM = new RegExp(`((?:^|[&?\\s])(?:${FIELD_NAMES})=)([^&\\s]*)`, 'g');

/** Text that is not parsed (a cut-off body, or not JSON at all): credentials cut wherever they appear. */
export function redactText(text: string): string {
  return text
    .replace(SECRET_IN_JSON, (_m, key: string, v: string) => `${key}${cut(v)}`)
    .replace(SECRET_IN_FORM, (_m, key: string, v: string) => `${key}${cut(v)}`);
}

/** `Bearer sk_test_commflow` → `Bearer sk_test_comm…`, whatever follows the credential. */
export function cutCredential(value: string): string {
  const [scheme = '', credential] = value.trim().split(/\s+/, 2);
  return credential === undefined ? `${redact(scheme)}…` : `${scheme} ${redact(credential)}…`;
}

export function redactValue(value: unknown, depth = 0, fields: ReadonlySet<string> = SECRET_FIELDS): unknown {
  if (depth > LIMITS.bodyDepth || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1, fields));
  const out = dict<unknown>();
  for (const [k, v] of Object.entries(value)) out[k] = fields.has(k) && typeof v === 'string' ? cut(v) : redactValue(v, depth + 1, fields);
  return out;
}

/** In a response, `code` is an error's code (CommFlow's envelope), not an authorization code. */
export const RESPONSE_SECRET_FIELDS: ReadonlySet<string> = new Set([...SECRET_FIELDS].filter((f) => f !== 'code'));

/** A header as the journal shows it: `Authorization` cut to its scheme and prefix, cookies to a prefix, a redirect's query credentials cut. */
export function redactHeader(name: string, value: string): string {
  if (name === 'authorization') return cutCredential(value);
  if (name === 'location') return redactText(value);
  return SECRET_HEADERS.has(name) ? cut(value) : value;
}
