import { beforeAll, describe, expect, it } from 'vitest';
import { harness, type Harness } from '../helpers/harness.js';
import { assertMatchesSpec } from '../helpers/spec-check.js';

interface Case {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  key?: string | null;
  status: number;
  type: string;
  code: string;
  param?: string | null;
  message?: RegExp | string;
}

const cases: Case[] = [
  { name: 'no credentials', method: 'GET', path: '/v1/tickets', key: null, status: 401, type: 'authentication_error', code: 'missing_api_key' },
  {
    name: 'not a Bearer header',
    method: 'GET',
    path: '/v1/tickets',
    headers: { authorization: 'Basic abc' },
    key: null,
    status: 401,
    type: 'authentication_error',
    code: 'invalid_authorization_header',
  },
  {
    name: 'unknown key',
    method: 'GET',
    path: '/v1/tickets',
    key: 'sk_test_nope',
    status: 401,
    type: 'authentication_error',
    code: 'invalid_api_key',
    message: /sk_test_no…/, // half of what follows the key's kind, at most 4 characters
  },
  {
    name: 'unknown path',
    method: 'GET',
    path: '/v1/nothing',
    status: 404,
    type: 'not_found_error',
    code: 'route_not_found',
    message: 'No route matches GET /v1/nothing.',
  },
  { name: 'trailing slash', method: 'GET', path: '/v1/tickets/', status: 404, type: 'not_found_error', code: 'route_not_found' },
  {
    name: 'unknown id',
    method: 'GET',
    path: '/v1/tickets/ticket_999',
    status: 404,
    type: 'not_found_error',
    code: 'resource_not_found',
    param: 'id',
    message: "No ticket with id 'ticket_999' exists.",
  },
  {
    name: 'unknown parent',
    method: 'GET',
    path: '/v1/conversations/conv_999/messages',
    status: 404,
    type: 'not_found_error',
    code: 'resource_not_found',
    param: 'id',
    message: "No conversation with id 'conv_999' exists.",
  },
  { name: 'method not allowed', method: 'DELETE', path: '/v1/me', status: 405, type: 'invalid_request_error', code: 'method_not_allowed' },
  {
    name: 'per_page over 100',
    method: 'GET',
    path: '/v1/tickets?per_page=101',
    status: 400,
    type: 'invalid_request_error',
    code: 'invalid_parameter',
    param: 'per_page',
    message: "The 'per_page' parameter must be at most 100.",
  },
  {
    name: 'per_page zero',
    method: 'GET',
    path: '/v1/tickets?per_page=0',
    status: 400,
    type: 'invalid_request_error',
    code: 'invalid_parameter',
    param: 'per_page',
  },
  {
    name: 'page not a number',
    method: 'GET',
    path: '/v1/tickets?page=abc',
    status: 400,
    type: 'invalid_request_error',
    code: 'invalid_parameter',
    param: 'page',
    message: "The 'page' parameter must be an integer.",
  },
  {
    name: 'page given twice',
    method: 'GET',
    path: '/v1/tickets?page=1&page=2',
    status: 400,
    type: 'invalid_request_error',
    code: 'invalid_parameter',
    param: 'page',
  },
  {
    name: 'bad enum in a filter',
    method: 'GET',
    path: '/v1/tickets?status=opn',
    status: 400,
    type: 'invalid_request_error',
    code: 'invalid_parameter',
    param: 'status[0]',
    message: /one of: open, pending, resolved, closed/,
  },
  {
    name: 'empty filter',
    method: 'GET',
    path: '/v1/tickets?status=',
    status: 400,
    type: 'invalid_request_error',
    code: 'invalid_parameter',
    param: 'status[0]',
  },
  {
    name: 'unknown sort field',
    method: 'GET',
    path: '/v1/tickets?sort=colour',
    status: 400,
    type: 'invalid_request_error',
    code: 'invalid_parameter',
    param: 'sort',
  },
  { name: 'bad order', method: 'GET', path: '/v1/tickets?order=up', status: 400, type: 'invalid_request_error', code: 'invalid_parameter', param: 'order' },
  {
    name: 'bad date',
    method: 'GET',
    path: '/v1/tickets?created_after=yesterday',
    status: 400,
    type: 'invalid_request_error',
    code: 'invalid_parameter',
    param: 'created_after',
    message: /date or a valid date-time/,
  },
  {
    name: 'impossible date',
    method: 'GET',
    path: '/v1/tickets?created_after=2026-02-31',
    status: 400,
    type: 'invalid_request_error',
    code: 'invalid_parameter',
    param: 'created_after',
  },
  {
    name: 'unknown query parameter',
    method: 'GET',
    path: '/v1/tickets?colour=red',
    status: 400,
    type: 'invalid_request_error',
    code: 'unknown_parameter',
    param: 'colour',
  },
  {
    name: '__proto__ query parameter',
    method: 'GET',
    path: '/v1/tickets?__proto__=x',
    status: 400,
    type: 'invalid_request_error',
    code: 'unknown_parameter',
    param: '__proto__',
  },
  {
    name: 'bracket query parameter',
    method: 'GET',
    path: '/v1/tickets?status[a]=open',
    status: 400,
    type: 'invalid_request_error',
    code: 'unknown_parameter',
    param: 'status[a]',
  },
  { name: 'broken percent-encoding', method: 'GET', path: '/v1/tickets?q=%zz', status: 200, type: '', code: '' },
  {
    name: 'query on an operation without parameters',
    method: 'GET',
    path: '/v1/me?x=1',
    status: 400,
    type: 'invalid_request_error',
    code: 'unknown_parameter',
    param: 'x',
  },
  {
    name: 'too long path id',
    method: 'GET',
    path: `/v1/tickets/${'x'.repeat(101)}`,
    status: 400,
    type: 'invalid_request_error',
    code: 'invalid_parameter',
    param: 'id',
  },
  { name: 'malformed JSON', method: 'POST', path: '/v1/tickets', body: '{"subject": ', status: 400, type: 'invalid_request_error', code: 'invalid_json' },
  {
    name: 'wrong content type',
    method: 'POST',
    path: '/v1/tickets',
    body: 'subject=x',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 415,
    type: 'invalid_request_error',
    code: 'unsupported_media_type',
  },
  {
    name: 'missing required field',
    method: 'POST',
    path: '/v1/contacts',
    body: { name: 'No Email' },
    status: 422,
    type: 'invalid_request_error',
    code: 'missing_parameter',
    param: 'email',
    message: "The 'email' field is required.",
  },
  { name: 'empty body on create', method: 'POST', path: '/v1/contacts', status: 422, type: 'invalid_request_error', code: 'missing_parameter', param: 'email' },
  {
    name: 'body is an array',
    method: 'POST',
    path: '/v1/tickets',
    body: [1, 2],
    status: 422,
    type: 'invalid_request_error',
    code: 'invalid_parameter',
    param: null,
    message: 'The request body must be an object.',
  },
  {
    name: 'body is null',
    method: 'POST',
    path: '/v1/tickets',
    body: 'null',
    status: 422,
    type: 'invalid_request_error',
    code: 'invalid_parameter',
    param: null,
  },
  {
    name: 'bad enum in body',
    method: 'POST',
    path: '/v1/tickets',
    body: { subject: 'x', priority: 'asap' },
    status: 422,
    type: 'invalid_request_error',
    code: 'invalid_parameter',
    param: 'priority',
    message: "The 'priority' field must be one of: low, normal, high, urgent.",
  },
  {
    name: 'wrong type in body',
    method: 'POST',
    path: '/v1/tickets',
    body: { subject: 42 },
    status: 422,
    type: 'invalid_request_error',
    code: 'invalid_parameter',
    param: 'subject',
    message: "The 'subject' field must be a string.",
  },
  {
    name: 'nested field error',
    method: 'POST',
    path: '/v1/tickets',
    body: { subject: 'x', tags: ['ok', 7] },
    status: 422,
    type: 'invalid_request_error',
    code: 'invalid_parameter',
    param: 'tags[1]',
  },
  {
    name: 'bad email format',
    method: 'POST',
    path: '/v1/contacts',
    body: { email: 'not-an-email' },
    status: 422,
    type: 'invalid_request_error',
    code: 'invalid_parameter',
    param: 'email',
    message: "The 'email' field must be a valid email.",
  },
  {
    name: 'read-only field',
    method: 'POST',
    path: '/v1/tickets',
    body: { subject: 'x', id: 'ticket_mine' },
    status: 422,
    type: 'invalid_request_error',
    code: 'unknown_parameter',
    param: 'id',
  },
  {
    name: '__proto__ key in body',
    method: 'POST',
    path: '/v1/tickets',
    body: '{"subject":"x","__proto__":{"admin":true}}',
    status: 422,
    type: 'invalid_request_error',
    code: 'unknown_parameter',
    param: '__proto__',
  },
  {
    name: 'constructor key in body',
    method: 'POST',
    path: '/v1/tickets',
    body: '{"subject":"x","constructor":{"prototype":{}}}',
    status: 422,
    type: 'invalid_request_error',
    code: 'unknown_parameter',
    param: 'constructor',
  },
  {
    name: 'empty patch',
    method: 'PATCH',
    path: '/v1/tickets/ticket_123',
    body: {},
    status: 422,
    type: 'invalid_request_error',
    code: 'invalid_parameter',
    param: null,
    message: 'The request body must contain at least one field.',
  },
  {
    name: 'PUT missing required fields',
    method: 'PUT',
    path: '/v1/tickets/ticket_123',
    body: { subject: 'x' },
    status: 422,
    type: 'invalid_request_error',
    code: 'missing_parameter',
    param: 'status',
  },
  {
    name: 'unknown reference',
    method: 'POST',
    path: '/v1/tickets',
    body: { subject: 'x', assignee_id: 'user_999' },
    status: 422,
    type: 'invalid_request_error',
    code: 'invalid_reference',
    param: 'assignee_id',
  },
  {
    name: 'webhook URL not http(s)',
    method: 'POST',
    path: '/v1/webhooks',
    body: { url: 'ftp://example.com', events: ['*'] },
    status: 422,
    type: 'invalid_request_error',
    code: 'invalid_parameter',
    param: 'url',
    message: "The 'url' field must be an http or https URL.",
  },
  {
    name: 'deeply nested body',
    method: 'POST',
    path: '/v1/tickets',
    body: `{"subject":"x","tags":${'['.repeat(2000)}${']'.repeat(2000)}}`,
    status: 422,
    type: 'invalid_request_error',
    code: 'nesting_too_deep',
    param: null,
  },
  {
    name: 'nesting within the limit, wrong type',
    method: 'POST',
    path: '/v1/tickets',
    body: `{"subject":"x","tags":${'['.repeat(40)}${']'.repeat(40)}}`,
    status: 422,
    type: 'invalid_request_error',
    code: 'invalid_parameter',
    param: 'tags[0]',
  },
];

describe('the error matrix', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });

  it.each(cases)('$name → $status', async (c) => {
    const res = await h.call(c.method, c.path, { body: c.body, headers: c.headers, key: c.key });
    expect(res.status).toBe(c.status);
    if (c.status < 400) return;
    expect(res.body.error).toMatchObject({ type: c.type, code: c.code });
    if (c.param !== undefined) expect(res.body.error.param).toBe(c.param);
    if (typeof c.message === 'string') expect(res.body.error.message).toBe(c.message);
    else if (c.message) expect(res.body.error.message).toMatch(c.message);
  });

  it('405 carries an Allow header', async () => {
    const res = await h.call('DELETE', '/v1/tickets');
    expect(res.headers.get('allow')).toBe('GET, POST');
  });

  it('a body over the limit is a 413 in the envelope', async () => {
    const small = await harness({ bodyLimit: 1024 });
    const res = await small.call('POST', '/v1/tickets', { body: { subject: 'x'.repeat(5000) } });
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code: 'payload_too_large' });
  });

  it('an unexpected failure is a 500 api_error without a stack, and is logged', async () => {
    const lines: string[] = [];
    const { createLogger } = await import('../../src/logger.js');
    const broken = await harness({ logger: createLogger('error', (l) => lines.push(l)) });
    broken.deps.store.transaction = async () => {
      throw new Error('disk on fire');
    };
    const res = await broken.call('POST', '/v1/tickets', { body: { subject: 'x' } });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: { type: 'api_error', code: 'internal_error', message: 'An unexpected error occurred.', param: null } });
    expect(res.text).not.toContain('disk on fire');
    expect(lines.join('')).toContain('disk on fire');
  });

  it('a refused write changes nothing that later reads can see', async () => {
    const res = await h.call('POST', '/v1/contacts', { body: { email: 'dup@example.com' } });
    expect(res.status).toBe(201);
    const before = (await h.get('/v1/contacts?per_page=1')).body.meta.total_count;
    const again = await h.call('POST', '/v1/contacts', { body: { email: 'DUP@example.com' } });
    expect(again.status).toBe(422);
    expect(again.body.error).toMatchObject({ code: 'already_exists', param: 'email' });
    expect((await h.get('/v1/contacts?per_page=1')).body.meta.total_count).toBe(before);
    expect((await h.get('/v1/contacts?email=DUP@example.com')).body.data).toHaveLength(1);
  });

  it('the spec check itself rejects a response that breaks the schema', async () => {
    await expect(assertMatchesSpec('GET', '/v1/me', 200, { data: { id: 'user_123' } })).rejects.toThrow(/does not match/);
    await expect(assertMatchesSpec('GET', '/v1/me', 418, {})).rejects.toThrow(/does not document/);
    await expect(assertMatchesSpec('GET', '/nowhere', 404, { oops: true })).rejects.toThrow(/envelope/);
  });
});
