import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** The six error types of the CommFlow overview. */
export type ErrorType = 'invalid_request_error' | 'authentication_error' | 'authorization_error' | 'not_found_error' | 'rate_limit_error' | 'api_error';

export interface ErrorBody {
  error: { type: ErrorType; code: string; message: string; param: string | null };
}

/** The one error class: everything that answers an error throws this. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly type: ErrorType,
    readonly code: string,
    message: string,
    readonly param: string | null = null,
    readonly headers: Record<string, string> = {},
    /** What went wrong underneath, for the log (a storage failure); never shown to the client. */
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toJSON(): ErrorBody {
    return { error: { type: this.type, code: this.code, message: this.message, param: this.param } };
  }
}

/**
 * An OAuth 2.0 error as RFC 6749 §5.2 names them: /oauth answers in that envelope
 * (`{"error", "error_description"}`, Cache-Control no-store) instead of CommFlow's.
 */
export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status: ContentfulStatusCode = 400,
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
    this.name = 'OAuthError';
  }
}

/** The usual type and code for each error status (used by simulated and injected errors). */
const BY_STATUS: Record<number, [ErrorType, string]> = {
  400: ['invalid_request_error', 'invalid_parameter'],
  401: ['authentication_error', 'invalid_api_key'],
  403: ['authorization_error', 'missing_scope'],
  404: ['not_found_error', 'resource_not_found'],
  405: ['invalid_request_error', 'method_not_allowed'],
  413: ['invalid_request_error', 'payload_too_large'],
  415: ['invalid_request_error', 'unsupported_media_type'],
  422: ['invalid_request_error', 'invalid_parameter'],
  429: ['rate_limit_error', 'rate_limit_exceeded'],
  500: ['api_error', 'internal_error'],
  502: ['api_error', 'bad_gateway'],
  503: ['api_error', 'service_unavailable'],
  504: ['api_error', 'gateway_timeout'],
};

/** The status each error type answers with when only the type is asked for. */
export const STATUS_OF_TYPE: Record<ErrorType, ContentfulStatusCode> = {
  invalid_request_error: 400,
  authentication_error: 401,
  authorization_error: 403,
  not_found_error: 404,
  rate_limit_error: 429,
  api_error: 500,
};

/** The error catalogue: every error the mock can answer, by situation. */
export const errors = {
  invalidJson: (detail: string) => new ApiError(400, 'invalid_request_error', 'invalid_json', `The request body is not valid JSON: ${detail}`),
  invalidQuery: (param: string | null, message: string, code = 'invalid_parameter') => new ApiError(400, 'invalid_request_error', code, message, param),
  invalidHeader: (param: string, message: string) => new ApiError(400, 'invalid_request_error', 'invalid_header', message, param),
  validation: (param: string | null, message: string, code = 'invalid_parameter') => new ApiError(422, 'invalid_request_error', code, message, param),
  payloadTooLarge: (limit: number) =>
    new ApiError(413, 'invalid_request_error', 'payload_too_large', `The request body is larger than the limit of ${limit} bytes.`),
  unsupportedMediaType: (got: string) =>
    new ApiError(
      415,
      'invalid_request_error',
      'unsupported_media_type',
      `The request body must be JSON sent with 'Content-Type: application/json', not '${got}'.`,
    ),
  missingCredentials: () =>
    new ApiError(
      401,
      'authentication_error',
      'missing_api_key',
      "No API key provided. Send 'Authorization: Bearer <key>', for example 'Bearer sk_test_commflow'.",
    ),
  malformedAuthorization: () =>
    new ApiError(401, 'authentication_error', 'invalid_authorization_header', "The Authorization header must have the form 'Bearer <key>'."),
  invalidApiKey: (prefix: string) => new ApiError(401, 'authentication_error', 'invalid_api_key', `The API key '${prefix}…' is not valid.`),
  revokedApiKey: (prefix: string) => new ApiError(401, 'authentication_error', 'api_key_revoked', `The API key '${prefix}…' has been revoked.`),
  missingScope: (scope: string, credential = 'API key') =>
    new ApiError(403, 'authorization_error', 'missing_scope', `This request needs the '${scope}' scope, which the ${credential} does not have.`),
  eventNeedsScope: (event: string, scope: string) =>
    new ApiError(
      403,
      'authorization_error',
      'missing_scope',
      `Receiving '${event}' needs the '${scope}' scope, which this credential does not have.`,
      'events',
    ),
  notFound: (resource: string, id: string, param = 'id') =>
    new ApiError(404, 'not_found_error', 'resource_not_found', `No ${resource} with id '${id}' exists.`, param),
  /** `meant`: the route the path is probably a typo of (`/v1/ticket` → `/v1/tickets`). */
  routeNotFound: (method: string, path: string, meant?: string) =>
    new ApiError(404, 'not_found_error', 'route_not_found', `No route matches ${method} ${path}.${meant === undefined ? '' : ` Did you mean ${meant}?`}`),
  methodNotAllowed: (method: string, path: string, allowed: string[]) =>
    new ApiError(405, 'invalid_request_error', 'method_not_allowed', `${method} is not allowed on ${path}. Allowed: ${allowed.join(', ')}.`, null, {
      Allow: allowed.join(', '),
    }),
  nestingTooDeep: (limit: number) =>
    new ApiError(422, 'invalid_request_error', 'nesting_too_deep', `The request body is nested more than ${limit} levels deep.`),
  /** A documented cap is reached (GitHub answers 422 for its hook limit too). */
  limitReached: (what: string, limit: number, hint: string) =>
    new ApiError(422, 'invalid_request_error', 'limit_reached', `The limit of ${limit} ${what} is reached. ${hint}`),
  unknownWorkspace: (id: string, param = 'workspace_id') =>
    new ApiError(422, 'invalid_request_error', 'invalid_reference', `No workspace with id '${id}' exists.`, param),
  workspaceGone: (id: string) =>
    new ApiError(
      404,
      'not_found_error',
      'resource_not_found',
      `The workspace '${id}' was deleted (or restored without it) while this request waited; nothing was changed.`,
    ),
  invalidSnapshot: (message: string) => new ApiError(400, 'invalid_request_error', 'invalid_snapshot', message),
  crossOrigin: (from: string) =>
    new ApiError(
      403,
      'authorization_error',
      'cross_origin_refused',
      `The control plane does not take requests from web pages (${from}); call it from a test, a script or curl.`,
    ),
  invalidAdminToken: () =>
    new ApiError(
      401,
      'authentication_error',
      'invalid_admin_token',
      "The control plane needs 'Authorization: Bearer <admin token>' (the server was started with --admin-token).",
    ),
  /** LIMITS.streams `GET /_mock/stream` connections are open already. */
  tooManyStreams: (limit: number) =>
    new ApiError(
      429,
      'rate_limit_error',
      'too_many_streams',
      `The limit of ${limit} open streams (GET /_mock/stream) is reached. Close one (an inspector tab, a script) and retry.`,
      null,
      { 'Retry-After': '1' },
    ),
  replayImpossible: (id: string, why: string) =>
    new ApiError(422, 'invalid_request_error', 'replay_impossible', `The request ${id} cannot be replayed: ${why}`, 'id'),
  webhookUnavailable: (deliveryId: string, webhookId: string, why: 'deleted' | 'inactive') =>
    new ApiError(
      422,
      'invalid_request_error',
      'webhook_unavailable',
      why === 'deleted'
        ? `The delivery ${deliveryId} cannot be sent again: its subscription ${webhookId} was deleted.`
        : `The delivery ${deliveryId} cannot be sent again: its subscription ${webhookId} is inactive (PATCH it with {"active": true} first).`,
      'id',
    ),
  tokenExpired: () => new ApiError(401, 'authentication_error', 'token_expired', 'The access token has expired; refresh it.'),
  tokenRevoked: () => new ApiError(401, 'authentication_error', 'token_revoked', 'The access token has been revoked.'),
  rateLimited: (limit: number, retryAfter: number) =>
    new ApiError(
      429,
      'rate_limit_error',
      'rate_limit_exceeded',
      `Too many requests: the limit is ${limit} per minute. Retry after ${retryAfter} second${retryAfter === 1 ? '' : 's'}.`,
      null,
      { 'Retry-After': String(retryAfter) },
    ),
  /** The change could not be saved with --data; it was undone. */
  notPersisted: (cause: unknown) =>
    new ApiError(
      500,
      'api_error',
      'storage_error',
      `The change could not be saved (${(cause as NodeJS.ErrnoException).code ?? 'write failed'}), so nothing was changed.`,
      null,
      {},
      cause,
    ),
  /** What Node's HTTP parser refused (answered before the app sees anything). */
  malformedRequest: (status: 400 | 408 | 431, reason: string) =>
    new ApiError(status, 'invalid_request_error', status === 431 ? 'headers_too_large' : status === 408 ? 'request_timeout' : 'malformed_request', reason),
  /** The client went away (or stopped sending) before its request was whole: nobody will read this. */
  incompleteRequest: () => new ApiError(400, 'invalid_request_error', 'incomplete_request', 'The connection closed before the request body was complete.'),
  internal: () => new ApiError(500, 'api_error', 'internal_error', 'An unexpected error occurred.'),
  /** An error asked for on purpose (Prefer header, fault rule), in the status's usual type and code. */
  simulated: (status: number, message: string, type?: ErrorType, retryAfter?: number) => {
    const [usualType, code] = BY_STATUS[status] ?? ['api_error', 'internal_error'];
    const seconds = retryAfter ?? (status === 429 ? 1 : undefined);
    const headers: Record<string, string> = seconds === undefined ? {} : { 'Retry-After': String(seconds) };
    return new ApiError(status as ContentfulStatusCode, type ?? usualType, code, message, null, headers);
  },
};

/**
 * Shortens a credential to a prefix safe to show in messages and logs: its kind (`sk_test_`)
 * and at most 4 more characters, never more than half of what follows the kind.
 */
export function redact(secret: string): string {
  const kind = /^(sk_(?:test|live)_|[a-z]+_)?/.exec(secret)?.[0].length ?? 0;
  return secret.slice(0, kind + Math.min(4, Math.floor((secret.length - kind) / 2)));
}

export type ErrorLogger = (err: unknown, c: Context) => void;

/** The single renderer of every error: the CommFlow envelope, or RFC 6749's for OAuth errors. */
export function renderError(err: unknown, c: Context, log?: ErrorLogger): Response {
  if (err instanceof OAuthError) {
    return c.json({ error: err.error, error_description: err.description }, err.status, { 'Cache-Control': 'no-store', Pragma: 'no-cache', ...err.headers });
  }
  let apiError: ApiError;
  if (err instanceof ApiError) {
    apiError = err;
    if (err.cause !== undefined) log?.(err.cause, c);
  } else if ((err as NodeJS.ErrnoException | null)?.code === 'ECONNRESET') {
    // Reading the body failed because the client aborted: not a server fault, and not logged.
    apiError = errors.incompleteRequest();
  } else {
    log?.(err, c);
    apiError = errors.internal();
  }
  // The headers the pipeline gathered for the answer (rate limits on /v1) come with an error too.
  const gathered = (c as Context<{ Variables: { answerHeaders?: Record<string, string> } }>).get('answerHeaders');
  for (const [name, value] of Object.entries({ ...gathered, ...apiError.headers })) c.header(name, value);
  return c.json(apiError.toJSON(), apiError.status);
}
