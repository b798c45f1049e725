import type { ErrorObject, KeywordDefinition, SchemaValidateFunction, ValidateFunction } from 'ajv';
import { errors, type ApiError } from '../errors.js';
import { depthOf } from './json-depth.js';
import { toApiError, unknownQueryMessage } from './messages.js';
import type { Operation } from './operations.js';
import type { Spec } from './spec.js';

export interface RequestParts {
  params: Record<string, string>;
  /** Raw query string, without '?'. */
  search: string;
  headers: Record<string, string>;
  /** Parsed JSON body, or undefined when there is none. */
  body?: unknown;
}

export interface ValidInput {
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: Record<string, unknown>;
}

export interface Validator {
  /** Validates a matched request against its operation; throws the CommFlow error on failure. */
  validate(op: Operation, parts: RequestParts): ValidInput;
  /** An example response body for a documented status (from the spec's examples and schemas). */
  mock(op: Operation, status: number): unknown;
  /**
   * Checks a value against a schema of the spec, by JSON pointer into the document
   * (`components/schemas/Snapshot`): the error that names the first problem, or undefined.
   */
  check(pointer: string, value: unknown): ApiError | undefined;
}

/** OpenAPI annotations that are not JSON Schema keywords; ajv's strict mode must know them. */
const OPENAPI_KEYWORDS = ['example', 'xml', 'externalDocs', 'discriminator', 'deprecated'];

/**
 * Splits a raw query string by the operation's parameters. Unknown parameters and
 * repeated single-valued ones are rejected here, before the schema sees them.
 */
export function readQuery(op: Operation, search: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null);
  if (!search) return out;
  for (const [name, value] of new URLSearchParams(search)) {
    const param = op.query.get(name);
    if (!param) {
      throw errors.invalidQuery(name, unknownQueryMessage(name, [...op.query.keys()]), 'unknown_parameter');
    }
    if (param.numeric && !(param.numeric === 'integer' ? /^-?\d{1,15}$/ : /^-?\d{1,15}(\.\d{1,15})?$/).test(value)) {
      throw errors.invalidQuery(name, `The '${name}' parameter must be ${param.numeric === 'integer' ? 'an integer' : 'a number'}.`);
    }
    const values = param.commaList ? value.split(',') : [value];
    const previous = out[name];
    if (param.isArray) out[name] = [...((previous as string[] | undefined) ?? []), ...values];
    else if (previous !== undefined) throw errors.invalidQuery(name, `The '${name}' parameter must be given once.`);
    else out[name] = value;
  }
  return out;
}

/**
 * The validator built from openapi.yaml by openapi-backend, created on first use (it costs
 * ~230 ms) and handed to the app through its dependencies. Validators are compiled lazily
 * per operation; each stops at its first error (the answer names one problem anyway), so
 * a hostile body cannot make validation slow.
 */
export function createValidator(spec: Spec): () => Promise<Validator> {
  let built: Promise<Validator> | undefined;
  return () => {
    if (!built) {
      built = buildValidator(spec);
      // A failed build is not kept: the next request tries again.
      built.catch(() => (built = undefined));
    }
    return built;
  };
}

/** `x-max-depth: N` on a free-form schema: the value nests at most N arrays/objects. */
function maxDepthKeyword(): KeywordDefinition {
  const maxDepth: SchemaValidateFunction = (limit: number, data: unknown) => {
    if (depthOf(data, limit) <= limit) return true;
    maxDepth.errors = [{ keyword: 'x-max-depth', params: { limit }, message: `must be nested at most ${limit} levels deep` }];
    return false;
  };
  return { keyword: 'x-max-depth', schemaType: 'number', errors: true, validate: maxDepth };
}

async function buildValidator(spec: Spec): Promise<Validator> {
  const [{ OpenAPIBackend, ValidationContext }, { default: addFormats }] = await Promise.all([import('openapi-backend'), import('ajv-formats')]);
  const api = new OpenAPIBackend({
    definition: structuredClone(spec) as never,
    quick: true,
    strict: true,
    coerceTypes: true,
    ajvOpts: { allErrors: false, verbose: true, strict: true },
    customizeAjv: (ajv) => {
      (addFormats as unknown as (a: typeof ajv) => void)(ajv);
      for (const keyword of OPENAPI_KEYWORDS) if (!(keyword in ajv.RULES.keywords)) ajv.addKeyword(keyword);
      if (!ajv.getKeyword('x-max-depth')) ajv.addKeyword(maxDepthKeyword());
      return ajv;
    },
  });
  await api.init();
  const cache = new Map<string, ValidateFunction[]>();
  const validatorsFor = (op: Operation) => {
    let list = cache.get(op.id);
    if (!list) {
      list = (api.validator.getRequestValidatorsForOperation(op.id) ?? []) as ValidateFunction[];
      cache.set(op.id, list);
    }
    return list;
  };
  const schemaAjv = api.validator.getAjv(ValidationContext.RequestBody);
  const schemas = new Map<string, ValidateFunction>();
  const schemaAt = (pointer: string) => {
    let fn = schemas.get(pointer);
    if (!fn) {
      const schema = pointer.split('/').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], api.definition);
      fn = schemaAjv.compile(schema as object);
      schemas.set(pointer, fn);
    }
    return fn;
  };

  return {
    mock: (op, status) => api.mockResponseForOperation(op.id, { code: status }).mock,
    validate(op, parts) {
      const query = readQuery(op, parts.search);
      const input: Record<string, unknown> = { path: { ...parts.params }, query, header: parts.headers, cookie: {} };
      if (op.body !== 'none') input.requestBody = parts.body === undefined ? {} : parts.body;
      const found: ErrorObject[] = [];
      for (const validate of validatorsFor(op)) {
        if (!validate(input)) found.push(...(validate.errors ?? []));
      }
      if (found.length) throw toApiError(found);
      return {
        params: input.path as Record<string, string>,
        query: { ...op.queryDefaults, ...query },
        body: (input.requestBody ?? {}) as Record<string, unknown>,
      };
    },
    check(pointer, value) {
      const validate = schemaAt(pointer);
      if (validate(value)) return undefined;
      const list = (validate.errors ?? []).map((e) => ({ ...e, instancePath: `/requestBody${e.instancePath}` }));
      return toApiError(list);
    },
  };
}
