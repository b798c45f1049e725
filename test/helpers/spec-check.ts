import { OpenAPIBackend } from 'openapi-backend';
import addFormats from 'ajv-formats';
import { loadSpec } from '../../src/openapi/spec.js';

let api: Promise<OpenAPIBackend> | undefined;

/**
 * openapi-backend over openapi.yaml for checking responses. `strict` with `quick: false`
 * also validates the document itself (test/unit/spec.test.ts does that once); the response
 * checks use quick mode, which compiles each operation's validators on first use.
 */
export function specBackend(options: { quick?: boolean } = {}): Promise<OpenAPIBackend> {
  const quick = options.quick ?? true;
  const build = () =>
    loadSpec().then(async (spec) => {
      const backend = new OpenAPIBackend({
        definition: structuredClone(spec) as never,
        strict: true,
        quick,
        validate: true,
        ignoreTrailingSlashes: false,
        ajvOpts: { strict: false, allErrors: true },
        customizeAjv: (ajv) => {
          (addFormats as unknown as (a: typeof ajv) => void)(ajv);
          return ajv;
        },
      });
      await backend.init();
      return backend;
    });
  if (!quick) return build();
  api ??= build();
  return api;
}

/**
 * Asserts that a response matches openapi.yaml: its status is documented for the
 * operation and its body fits the schema. Paths outside the spec must be errors
 * in the CommFlow envelope (or the docs routes).
 */
export async function assertMatchesSpec(method: string, url: string, status: number, body: unknown): Promise<void> {
  const backend = await specBackend();
  const { pathname } = new URL(url, 'http://x');
  if (['/openapi.json', '/openapi.yaml'].includes(pathname) || pathname.startsWith('/docs') || pathname.startsWith('/_mock/ui/assets/')) return;
  // GET / is the redirect to /docs: like /docs, not part of the CommFlow API.
  if (pathname === '/' && ['GET', 'HEAD'].includes(method.toUpperCase()) && status === 302) return;
  const op = backend.router.matchOperation({ method: method.toLowerCase(), path: pathname, headers: {} } as never);
  if (!op || method.toUpperCase() === 'HEAD' || method.toUpperCase() === 'OPTIONS') {
    if (method.toUpperCase() === 'OPTIONS' && status === 204) return;
    if (method.toUpperCase() === 'HEAD') return;
    const errorCheck = checkErrorEnvelope(body);
    if (errorCheck) throw new Error(`${method} ${url} → ${status}: ${errorCheck}`);
    return;
  }
  const documented = Object.keys((op.responses ?? {}) as object);
  if (!documented.includes(String(status))) {
    throw new Error(`${method} ${url} → ${status}, which ${op.operationId} does not document (${documented.join(', ')})`);
  }
  if (status === 204) {
    if (body !== null) throw new Error(`${method} ${url} → 204 with a body`);
    return;
  }
  // Redirects and HTML pages (the OAuth authorize endpoint) have no JSON schema to check.
  if (status === 302 || typeof body === 'string') return;
  if (body === null && !(op.responses as Record<string, { content?: object }>)[String(status)]?.content) return;
  const result = backend.validator.validateResponse(body, op, status);
  if (!result.valid) {
    throw new Error(
      `${method} ${url} → ${status} does not match openapi.yaml: ${JSON.stringify(result.errors, null, 1)}\n${JSON.stringify(body).slice(0, 500)}`,
    );
  }
}

const TYPES = ['invalid_request_error', 'authentication_error', 'authorization_error', 'not_found_error', 'rate_limit_error', 'api_error'];

function checkErrorEnvelope(body: unknown): string | undefined {
  const e = (body as { error?: Record<string, unknown> } | null)?.error;
  if (!e) return 'not an error envelope';
  if (!TYPES.includes(String(e.type))) return `unknown error type ${String(e.type)}`;
  if (typeof e.code !== 'string' || typeof e.message !== 'string') return 'code/message missing';
  if (!(e.param === null || typeof e.param === 'string')) return 'param must be a string or null';
  if (Object.keys(body as object).length !== 1 || Object.keys(e).length !== 4) return 'extra keys in the envelope';
  return undefined;
}
