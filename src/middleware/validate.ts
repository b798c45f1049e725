import type { Context, MiddlewareHandler, Next } from 'hono';
import { step } from './steps.js';
import { errors } from '../errors.js';
import { LIMITS } from '../limits.js';
import { nestedDeeperThan } from '../openapi/json-depth.js';
import type { Validator } from '../openapi/validator.js';
import { type AppEnv, requestHeader } from '../context.js';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i;

/**
 * Reads a JSON body (cached by Hono for the journal): empty is undefined; not JSON is a 415;
 * nested deeper than the limit a 422 (before parsing); bad JSON a 400.
 */
async function readBody(c: Context<AppEnv>): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return undefined;
  const type = (requestHeader(c, 'content-type') ?? '').split(';')[0]!.trim();
  if (!JSON_TYPE.test(type)) throw errors.unsupportedMediaType(type || 'none');
  if (nestedDeeperThan(text, LIMITS.bodyDepth)) throw errors.nestingTooDeep(LIMITS.bodyDepth);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw errors.invalidJson((err as Error).message);
  }
}

type Input = ReturnType<Validator['validate']>;

/**
 * Validates the matched operation's path, query, headers and body against openapi.yaml. A
 * request without a body, and without any of the header parameters its operation declares
 * (`Prefer`), validates as a pure function of its URL: the outcome of a valid one is remembered
 * (frozen; the least recently added goes first), so a client that polls or pages the same URLs
 * pays for parsing and schema checks once.
 */
export function validate(validator: () => Promise<Validator>): MiddlewareHandler<AppEnv> {
  const remembered = new Map<string, Input>();
  const check = async (c: Context<AppEnv>, next: Next, key: string, q: number) => {
    const op = c.get('op');
    const url = c.req.url;
    const body = op.body === 'none' ? undefined : await readBody(c);
    const input = (await validator()).validate(op, {
      params: c.req.param() as Record<string, string>,
      search: q < 0 ? '' : url.slice(q + 1),
      headers: headerParams(c, op.headerParams),
      body,
    });
    if (key) {
      if (remembered.size >= LIMITS.validatedUrls) remembered.delete(remembered.keys().next().value!);
      remembered.set(key, deepFreeze(input));
    }
    c.set('input', input);
    return next();
  };
  return step(function validateRequest(c, next) {
    const op = c.get('op');
    const url = c.req.url;
    const q = url.indexOf('?');
    if (op.body === 'none' && q < 0 && !op.path.includes('{')) {
      // Nothing to validate (no path parameter, query or body): skip loading the validator.
      c.set('input', { params: {}, query: { ...op.queryDefaults }, body: {} });
      return next();
    }
    const pure = op.body === 'none' && url.length <= LIMITS.validatedUrlBytes && op.headerParams.every((name) => requestHeader(c, name) === undefined);
    const key = pure ? `${op.id} ${url.slice(url.indexOf('/', url.indexOf('//') + 2))}` : '';
    const input = pure ? remembered.get(key) : undefined;
    if (!input) return check(c, next, key, q);
    c.set('input', input);
    return next();
  });
}

/** The operation's declared header parameters the request carries (the validator looks at no other header). */
function headerParams(c: Context<AppEnv>, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = requestHeader(c, name);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
