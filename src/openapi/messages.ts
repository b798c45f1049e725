import type { ErrorObject } from 'ajv';
import { type ApiError, errors } from '../errors.js';
import { didYouMean, nearestPath } from './suggest.js';

/** Where a validation error sits: a query or path parameter, a header, or the JSON body. */
type Location = 'query' | 'path' | 'header' | 'requestBody';

/** `/requestBody/tags/0` → `tags[0]`; `/query/per_page` → `per_page`. */
function paramOf(segments: string[]): string | null {
  let out = '';
  for (const raw of segments) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(seg) ? `[${seg}]` : out ? `.${seg}` : seg;
  }
  return out || null;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1).replace(/\.$/, '');
}

/** " Did you mean 'open'?" when a string value is close to one of the allowed ones. */
function nearestAllowed(value: unknown, allowed: readonly unknown[]): string {
  return typeof value === 'string'
    ? didYouMean(
        value,
        allowed.filter((v): v is string => typeof v === 'string'),
      )
    : '';
}

/** What a failed keyword asked for, phrased to finish "must ...". */
function expectation(e: ErrorObject, siblings: ErrorObject[]): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'type':
      return `be ${p.type === 'array' || p.type === 'object' || p.type === 'integer' ? 'an' : 'a'} ${String(p.type).replace(',', ' or ')}`;
    case 'enum': {
      const allowed = p.allowedValues as unknown[];
      return `be one of: ${allowed.map(describe).join(', ')}.${nearestAllowed(e.data, allowed)}`;
    }
    case 'format':
      return `be a valid ${String(p.format)}`;
    case 'minLength':
      return Number(p.limit) === 1 ? 'not be empty' : `be at least ${String(p.limit)} characters long`;
    case 'maxLength':
      return `be at most ${String(p.limit)} characters long`;
    case 'minimum':
      return `be at least ${String(p.limit)}`;
    case 'maximum':
      return `be at most ${String(p.limit)}`;
    case 'minItems':
      return `contain at least ${String(p.limit)} item${Number(p.limit) === 1 ? '' : 's'}`;
    case 'maxItems':
      return `contain at most ${String(p.limit)} items`;
    case 'uniqueItems':
      return 'not contain duplicates';
    case 'x-max-depth':
      return `be nested at most ${String(p.limit)} levels deep`;
    case 'pattern': {
      const description = (e.parentSchema as { description?: string } | undefined)?.description;
      return description ? `be ${lowerFirst(description)}` : `match the pattern ${String(p.pattern)}`;
    }
    case 'anyOf':
    case 'oneOf': {
      const alternatives = siblings.filter((s) => s !== e && s.instancePath === e.instancePath && s.keyword !== 'anyOf' && s.keyword !== 'oneOf');
      const allowed = alternatives.flatMap((s) => (s.keyword === 'enum' ? (s.params as { allowedValues: unknown[] }).allowedValues : []));
      const options = alternatives.filter((s) => s.keyword !== 'enum').map((s) => expectation(s, []).replace(/^be /, ''));
      if (allowed.length) options.unshift(`one of: ${allowed.map(describe).join(', ')}`);
      return options.length ? `be ${[...new Set(options)].join(' or ')}.${nearestAllowed(e.data, allowed)}` : 'match one of the allowed forms.';
    }
    default:
      return e.message ?? 'be valid';
  }
}

/** "must …" ends its sentence, unless the expectation already did (it may add a hint after it). */
function sentence(text: string): string {
  return text.endsWith('.') || text.endsWith('?') ? text : `${text}.`;
}

/** The message of an unknown query parameter: the nearest known one when it looks like a typo of it, else the list. */
export function unknownQueryMessage(name: string, allowed: string[]): string {
  const hint = didYouMean(name, allowed);
  if (hint) return `Unknown query parameter '${name}'.${hint}`;
  return allowed.length
    ? `Unknown query parameter '${name}'. Allowed: ${allowed.join(', ')}.`
    : `Unknown query parameter '${name}'. This operation takes none.`;
}

/** A 404 for a path no route matches, naming the nearest route when the path looks like a typo of it (`/v1/ticket`). */
export function routeNotFound(method: string, path: string, templates: Iterable<string>): ApiError {
  return errors.routeNotFound(method, path, nearestPath(path, templates));
}

/** Turns ajv's errors for one request into the one CommFlow error that reports the first of them. */
export function toApiError(list: ErrorObject[]): ApiError {
  const chosen =
    list.find((e) => e.keyword === 'required' || e.keyword === 'additionalProperties') ??
    list.find((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf') ??
    list[0];
  const [, where, ...rest] = (chosen?.instancePath ?? '').split('/');
  const location = where as Location;
  const isBody = location === 'requestBody' || !where;
  const noun = location === 'header' ? 'header' : isBody ? 'field' : 'parameter';
  const fail = (param: string | null, message: string, code?: string) =>
    isBody
      ? errors.validation(param, message, code)
      : location === 'header'
        ? errors.invalidHeader(param ?? '', message)
        : errors.invalidQuery(param, message, code);

  if (!chosen) return errors.validation(null, 'The request is not valid.');
  const params = chosen.params as Record<string, string>;
  if (chosen.keyword === 'required') {
    if (!where) return errors.validation(null, 'A JSON request body is required.');
    const param = paramOf([...rest, params.missingProperty ?? '']);
    return fail(param, `The '${param}' ${noun} is required.`, 'missing_parameter');
  }
  if (chosen.keyword === 'additionalProperties') {
    const name = params.additionalProperty ?? '';
    const param = paramOf([...rest, name]);
    const allowed = Object.keys((chosen.parentSchema as { properties?: object } | undefined)?.properties ?? {});
    const near = didYouMean(name, allowed);
    const known = near || (allowed.length ? ` Allowed: ${allowed.join(', ')}.` : '');
    return fail(param, `Unknown ${noun} '${param}'.${known}`, 'unknown_parameter');
  }
  if (chosen.keyword === 'minProperties' && isBody && rest.length === 0) {
    return errors.validation(null, 'The request body must contain at least one field.');
  }
  const param = paramOf(rest);
  if (!param) return errors.validation(null, `The request body must ${sentence(expectation(chosen, list))}`);
  return fail(param, `The '${param}' ${noun} must ${sentence(expectation(chosen, list))}`);
}
