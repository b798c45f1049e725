import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { beforeEach, describe, expect, it } from 'vitest';
import { ApiError, errors, OAuthError, redact, renderError, STATUS_OF_TYPE, type ErrorType } from '../../src/errors.js';

const TYPES: ErrorType[] = ['invalid_request_error', 'authentication_error', 'authorization_error', 'not_found_error', 'rate_limit_error', 'api_error'];

describe('the error catalogue', () => {
  it.each<[string, ApiError, number, ErrorType, string, string | null]>([
    ['invalidJson', errors.invalidJson('Unexpected token'), 400, 'invalid_request_error', 'invalid_json', null],
    ['invalidQuery', errors.invalidQuery('page', 'bad page'), 400, 'invalid_request_error', 'invalid_parameter', 'page'],
    ['invalidQuery with a code', errors.invalidQuery(null, 'bad', 'unknown_parameter'), 400, 'invalid_request_error', 'unknown_parameter', null],
    ['invalidHeader', errors.invalidHeader('Prefer', 'bad'), 400, 'invalid_request_error', 'invalid_header', 'Prefer'],
    ['validation', errors.validation('subject', 'required'), 422, 'invalid_request_error', 'invalid_parameter', 'subject'],
    ['payloadTooLarge', errors.payloadTooLarge(1024), 413, 'invalid_request_error', 'payload_too_large', null],
    ['unsupportedMediaType', errors.unsupportedMediaType('text/plain'), 415, 'invalid_request_error', 'unsupported_media_type', null],
    ['missingCredentials', errors.missingCredentials(), 401, 'authentication_error', 'missing_api_key', null],
    ['malformedAuthorization', errors.malformedAuthorization(), 401, 'authentication_error', 'invalid_authorization_header', null],
    ['invalidApiKey', errors.invalidApiKey('sk_test_abcd'), 401, 'authentication_error', 'invalid_api_key', null],
    ['revokedApiKey', errors.revokedApiKey('sk_test_abcd'), 401, 'authentication_error', 'api_key_revoked', null],
    ['missingScope', errors.missingScope('read:tickets'), 403, 'authorization_error', 'missing_scope', null],
    ['eventNeedsScope', errors.eventNeedsScope('ticket.created', 'read:tickets'), 403, 'authorization_error', 'missing_scope', 'events'],
    ['notFound', errors.notFound('ticket', 'ticket_1'), 404, 'not_found_error', 'resource_not_found', 'id'],
    ['notFound with a param', errors.notFound('message', 'msg_1', 'message_id'), 404, 'not_found_error', 'resource_not_found', 'message_id'],
    ['routeNotFound', errors.routeNotFound('GET', '/v1/nope'), 404, 'not_found_error', 'route_not_found', null],
    ['methodNotAllowed', errors.methodNotAllowed('PUT', '/v1/me', ['GET']), 405, 'invalid_request_error', 'method_not_allowed', null],
    ['nestingTooDeep', errors.nestingTooDeep(64), 422, 'invalid_request_error', 'nesting_too_deep', null],
    ['limitReached', errors.limitReached('webhooks', 20, 'Delete some.'), 422, 'invalid_request_error', 'limit_reached', null],
    ['unknownWorkspace', errors.unknownWorkspace('ws_x'), 422, 'invalid_request_error', 'invalid_reference', 'workspace_id'],
    ['workspaceGone', errors.workspaceGone('ws_x'), 404, 'not_found_error', 'resource_not_found', null],
    ['invalidSnapshot', errors.invalidSnapshot('bad snapshot'), 400, 'invalid_request_error', 'invalid_snapshot', null],
    ['crossOrigin', errors.crossOrigin('https://evil.example'), 403, 'authorization_error', 'cross_origin_refused', null],
    ['invalidAdminToken', errors.invalidAdminToken(), 401, 'authentication_error', 'invalid_admin_token', null],
    ['tokenExpired', errors.tokenExpired(), 401, 'authentication_error', 'token_expired', null],
    ['tokenRevoked', errors.tokenRevoked(), 401, 'authentication_error', 'token_revoked', null],
    ['rateLimited', errors.rateLimited(60, 3), 429, 'rate_limit_error', 'rate_limit_exceeded', null],
    ['notPersisted', errors.notPersisted(Object.assign(new Error('x'), { code: 'ENOSPC' })), 500, 'api_error', 'storage_error', null],
    ['malformedRequest 400', errors.malformedRequest(400, 'Bad request line'), 400, 'invalid_request_error', 'malformed_request', null],
    ['malformedRequest 408', errors.malformedRequest(408, 'Too slow'), 408, 'invalid_request_error', 'request_timeout', null],
    ['malformedRequest 431', errors.malformedRequest(431, 'Too many headers'), 431, 'invalid_request_error', 'headers_too_large', null],
    ['incompleteRequest', errors.incompleteRequest(), 400, 'invalid_request_error', 'incomplete_request', null],
    ['internal', errors.internal(), 500, 'api_error', 'internal_error', null],
  ])('%s: %i %s %s', (_name, err, status, type, code, param) => {
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('ApiError');
    expect(err.status).toBe(status);
    const body = err.toJSON();
    expect(Object.keys(body)).toEqual(['error']);
    expect(Object.keys(body.error)).toEqual(['type', 'code', 'message', 'param']);
    expect(body.error).toEqual({ type, code, message: err.message, param });
    expect(body.error.message.length).toBeGreaterThan(0);
  });

  it('messages name what they are about', () => {
    expect(errors.notFound('ticket', 'ticket_9').message).toBe("No ticket with id 'ticket_9' exists.");
    expect(errors.invalidJson('Unexpected end').message).toBe('The request body is not valid JSON: Unexpected end');
    expect(errors.payloadTooLarge(1024).message).toBe('The request body is larger than the limit of 1024 bytes.');
    expect(errors.invalidApiKey('sk_test_abcd').message).toBe("The API key 'sk_test_abcd…' is not valid.");
    expect(errors.missingScope('write:tickets', 'access token').message).toBe(
      "This request needs the 'write:tickets' scope, which the access token does not have.",
    );
    expect(errors.methodNotAllowed('PUT', '/v1/me', ['GET', 'HEAD']).message).toBe('PUT is not allowed on /v1/me. Allowed: GET, HEAD.');
  });

  it('rateLimited says when to retry, in the message and in Retry-After, with the right plural', () => {
    expect(errors.rateLimited(60, 1).message).toBe('Too many requests: the limit is 60 per minute. Retry after 1 second.');
    expect(errors.rateLimited(300, 12).message).toBe('Too many requests: the limit is 300 per minute. Retry after 12 seconds.');
    expect(errors.rateLimited(300, 12).headers).toEqual({ 'Retry-After': '12' });
  });

  it('methodNotAllowed carries Allow', () => {
    expect(errors.methodNotAllowed('DELETE', '/v1/users', ['GET', 'POST']).headers).toEqual({ Allow: 'GET, POST' });
  });

  it('notPersisted names the system error code and keeps the cause out of the body', () => {
    const cause = Object.assign(new Error('/secret/path/db.json: no space'), { code: 'ENOSPC' });
    const err = errors.notPersisted(cause);
    expect(err.message).toBe('The change could not be saved (ENOSPC), so nothing was changed.');
    expect(err.cause).toBe(cause);
    expect(JSON.stringify(err.toJSON())).not.toContain('/secret/path');
    expect(errors.notPersisted(new Error('no code')).message).toBe('The change could not be saved (write failed), so nothing was changed.');
  });

  it.each([
    [400, 'invalid_request_error', 'invalid_parameter', {}],
    [401, 'authentication_error', 'invalid_api_key', {}],
    [403, 'authorization_error', 'missing_scope', {}],
    [404, 'not_found_error', 'resource_not_found', {}],
    [429, 'rate_limit_error', 'rate_limit_exceeded', { 'Retry-After': '1' }],
    [502, 'api_error', 'bad_gateway', {}],
    [503, 'api_error', 'service_unavailable', {}],
    [504, 'api_error', 'gateway_timeout', {}],
    [418, 'api_error', 'internal_error', {}],
  ])('simulated(%i): its usual type and code', (status, type, code, headers) => {
    const err = errors.simulated(status, 'asked for');
    expect(err.status).toBe(status);
    expect(err.toJSON()).toEqual({ error: { type, code, message: 'asked for', param: null } });
    expect(err.headers).toEqual(headers);
  });

  it('simulated with a type keeps the status and the code but takes that type', () => {
    const err = errors.simulated(500, 'x', 'rate_limit_error');
    expect(err.status).toBe(500);
    expect(err.toJSON().error).toMatchObject({ type: 'rate_limit_error', code: 'internal_error' });
  });

  it('every type has its status', () => {
    expect(TYPES.map((t) => STATUS_OF_TYPE[t])).toEqual([400, 401, 403, 404, 429, 500]);
  });

  it.each([
    ['sk_test_commflow', 'sk_test_comm'],
    ['sk_live_abcdefgh', 'sk_live_abcd'],
    ['whsec_abcdefgh', 'whsec_abcd'],
    ['abcdefgh', 'abcd'],
    ['abcd', 'ab'],
    ['abc', 'a'],
    ['sk_test_ab', 'sk_test_a'],
  ])('redact(%j) → %j', (secret, shown) => expect(redact(secret)).toBe(shown));
});

describe('renderError', () => {
  let logged: unknown[];
  let app: Hono;
  let thrown: unknown;

  beforeEach(() => {
    logged = [];
    thrown = undefined;
    app = new Hono();
    app.onError((err, c) => renderError(err, c, (e) => void logged.push(e)));
    app.get('/throw', () => {
      throw thrown;
    });
    // A value that is not an Error never reaches onError: the renderer is called directly.
    app.get('/render', (c: Context) => renderError(thrown, c, (e) => void logged.push(e)));
  });

  const answer = async (path = '/throw') => {
    const res = await app.request(path);
    const type = res.headers.get('content-type') ?? '';
    const text = await res.text();
    expect(type).toMatch(/^application\/json/);
    return { res, body: JSON.parse(text) as unknown };
  };

  it('an ApiError answers its status and the CommFlow envelope, and is not logged', async () => {
    thrown = errors.notFound('ticket', 'ticket_9');
    const { res, body } = await answer();
    expect(res.status).toBe(404);
    expect(body).toEqual({ error: { type: 'not_found_error', code: 'resource_not_found', message: "No ticket with id 'ticket_9' exists.", param: 'id' } });
    expect(logged).toEqual([]);
  });

  it("an ApiError's headers are sent (Retry-After, Allow)", async () => {
    thrown = errors.rateLimited(60, 7);
    const limited = await answer();
    expect(limited.res.status).toBe(429);
    expect(limited.res.headers.get('retry-after')).toBe('7');
    thrown = errors.methodNotAllowed('PUT', '/throw', ['GET']);
    const refused = await answer();
    expect(refused.res.status).toBe(405);
    expect(refused.res.headers.get('allow')).toBe('GET');
  });

  it('an ApiError with a cause: the cause is logged, the client sees only the envelope', async () => {
    const cause = Object.assign(new Error('EROFS: /data/db.json'), { code: 'EROFS' });
    thrown = errors.notPersisted(cause);
    const { res, body } = await answer();
    expect(res.status).toBe(500);
    expect(body).toEqual({
      error: { type: 'api_error', code: 'storage_error', message: 'The change could not be saved (EROFS), so nothing was changed.', param: null },
    });
    expect(logged).toEqual([cause]);
  });

  it('an unknown Error is a JSON 500 internal_error that does not leak its message, and is logged', async () => {
    thrown = new TypeError("Cannot read properties of undefined (reading 'secret_field')");
    const { res, body } = await answer();
    expect(res.status).toBe(500);
    expect(body).toEqual({ error: { type: 'api_error', code: 'internal_error', message: 'An unexpected error occurred.', param: null } });
    expect(JSON.stringify(body)).not.toContain('secret_field');
    expect(logged).toEqual([thrown]);
  });

  it.each([
    ['a string', 'boom'],
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['a plain object', { message: 'not an Error' }],
  ])('%s handed to the renderer is a JSON 500 too', async (_what, value) => {
    thrown = value;
    const { res, body } = await answer('/render');
    expect(res.status).toBe(500);
    expect(body).toMatchObject({ error: { type: 'api_error', code: 'internal_error' } });
  });

  it('a client that went away (ECONNRESET) is a 400 incomplete_request, not a server fault, and not logged', async () => {
    thrown = Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    const { res, body } = await answer();
    expect(res.status).toBe(400);
    expect(body).toEqual({
      error: { type: 'invalid_request_error', code: 'incomplete_request', message: 'The connection closed before the request body was complete.', param: null },
    });
    expect(logged).toEqual([]);
  });

  it('another system error code is still a 500', async () => {
    thrown = Object.assign(new Error('pipe'), { code: 'EPIPE' });
    const { res } = await answer();
    expect(res.status).toBe(500);
    expect(logged).toHaveLength(1);
  });

  it("a Hono HTTPException (not raised by the mock) gets no special treatment: a JSON 500, never Hono's text answer", async () => {
    thrown = new HTTPException(401, { message: 'Unauthorized from hono' });
    const { res, body } = await answer();
    expect(res.status).toBe(500);
    expect(body).toEqual({ error: { type: 'api_error', code: 'internal_error', message: 'An unexpected error occurred.', param: null } });
  });

  it('an OAuthError answers RFC 6749 §5.2: {error, error_description}, its status, no caching', async () => {
    thrown = new OAuthError('invalid_scope', "Unknown scope 'x'.");
    const { res, body } = await answer();
    expect(res.status).toBe(400);
    expect(body).toEqual({ error: 'invalid_scope', error_description: "Unknown scope 'x'." });
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('pragma')).toBe('no-cache');
    expect(res.headers.has('www-authenticate')).toBe(false);
    expect(logged).toEqual([]);
  });

  it('an OAuthError with a challenge sends WWW-Authenticate (RFC 6749 §5.2 invalid_client over Basic)', async () => {
    thrown = new OAuthError('invalid_client', 'Client authentication failed.', 401, { 'WWW-Authenticate': 'Basic realm="commflow-mock"' });
    const { res, body } = await answer();
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="commflow-mock"');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(body).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed.' });
  });

  it('an OAuthError with Retry-After (slow_down) keeps it', async () => {
    thrown = new OAuthError('slow_down', 'Retry later.', 429, { 'Retry-After': '30' });
    const { res } = await answer();
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('30');
  });

  it('OAuthError is an Error with its description as the message', () => {
    const err = new OAuthError('invalid_request', "The 'code' parameter is required.");
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('OAuthError');
    expect(err.message).toBe("The 'code' parameter is required.");
    expect(err.status).toBe(400);
    expect(err.headers).toEqual({});
  });
});
