import { beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { harness, type Harness } from '../helpers/harness.js';

/** The error of a reply, checked to be the CommFlow envelope and nothing more. */
function errorOf(reply: { body: any }) {
  expect(Object.keys(reply.body)).toEqual(['error']);
  expect(Object.keys(reply.body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  return reply.body.error as { type: string; code: string; message: string; param: string | null };
}

describe('GET /', () => {
  it('redirects to the playground', async () => {
    const h = await harness();
    const res = await h.app.request('/');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/docs');
    const docs = await h.app.request(res.headers.get('location')!);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toContain('text/html');
  });

  it('other methods on / are still an unknown route', async () => {
    const h = await harness();
    const reply = await h.call('POST', '/', { body: {} });
    expect(reply.status).toBe(404);
    expect(errorOf(reply).code).toBe('route_not_found');
  });
});

describe('did you mean', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });

  it('an unknown query parameter close to a known one: 400, named in param, the known one suggested', async () => {
    const reply = await h.get('/v1/tickets?stauts=open');
    expect(reply.status).toBe(400);
    expect(errorOf(reply)).toEqual({
      type: 'invalid_request_error',
      code: 'unknown_parameter',
      message: "Unknown query parameter 'stauts'. Did you mean 'status'?",
      param: 'stauts',
    });
  });

  it('an unknown query parameter like none: the list of allowed ones, no guess', async () => {
    const reply = await h.get('/v1/tickets?zzz=1');
    expect(reply.status).toBe(400);
    const error = errorOf(reply);
    expect(error).toMatchObject({ code: 'unknown_parameter', param: 'zzz' });
    expect(error.message).toMatch(/^Unknown query parameter 'zzz'\. Allowed: page, per_page, .*status/);
    expect(error.message).not.toContain('Did you mean');
  });

  it('an unknown body field: 422, the nearest field suggested', async () => {
    const reply = await h.call('POST', '/v1/tickets', { body: { subject: 'Typo', priorty: 'high' } });
    expect(reply.status).toBe(422);
    expect(errorOf(reply)).toEqual({
      type: 'invalid_request_error',
      code: 'unknown_parameter',
      message: "Unknown field 'priorty'. Did you mean 'priority'?",
      param: 'priorty',
    });
    const far = errorOf(await h.call('POST', '/v1/tickets', { body: { subject: 'Typo', zzzzzz: 1 } }));
    expect(far.message).toBe("Unknown field 'zzzzzz'. Allowed: subject, description, status, priority, assignee_id, contact_id, conversation_id, tags.");
  });

  it('a bad enum value in the body: 422, the allowed values and the nearest one', async () => {
    const reply = await h.call('POST', '/v1/tickets', { body: { subject: 'Typo', priority: 'urgnt' } });
    expect(reply.status).toBe(422);
    expect(errorOf(reply)).toEqual({
      type: 'invalid_request_error',
      code: 'invalid_parameter',
      message: "The 'priority' field must be one of: low, normal, high, urgent. Did you mean 'urgent'?",
      param: 'priority',
    });
    const far = errorOf(await h.call('POST', '/v1/tickets', { body: { subject: 'Typo', priority: 'banana' } }));
    expect(far.message).toBe("The 'priority' field must be one of: low, normal, high, urgent.");
  });

  it('a bad enum value in the query: 400, the nearest value', async () => {
    const sort = await h.get('/v1/tickets?sort=subjct');
    expect(sort.status).toBe(400);
    expect(errorOf(sort)).toMatchObject({ code: 'invalid_parameter', param: 'sort', message: expect.stringMatching(/ Did you mean 'subject'\?$/) });
    const status = await h.get('/v1/tickets?status=open,pneding');
    expect(status.status).toBe(400);
    expect(errorOf(status).message).toMatch(/ Did you mean 'pending'\?$/);
  });

  it('an unknown path close to a route: 404, the route suggested with the request’s own ids', async () => {
    const reply = await h.get('/v1/ticket');
    expect(reply.status).toBe(404);
    expect(errorOf(reply)).toEqual({
      type: 'not_found_error',
      code: 'route_not_found',
      message: 'No route matches GET /v1/ticket. Did you mean /v1/tickets?',
      param: null,
    });
    expect(errorOf(await h.get('/v1/ticket/ticket_123')).message).toBe('No route matches GET /v1/ticket/ticket_123. Did you mean /v1/tickets/ticket_123?');
    expect(errorOf(await h.get('/v1/tickets/')).message).toBe('No route matches GET /v1/tickets/. Did you mean /v1/tickets?');
    expect(errorOf(await h.get('/v1/nothing')).message).toBe('No route matches GET /v1/nothing.');
  });
});

describe('the request log', () => {
  async function logged(format: 'json' | 'pretty') {
    const lines: string[] = [];
    const h = await harness({ logLevel: 'info', logger: createLogger('info', (l) => lines.push(l), format) });
    return { h, lines };
  }

  it('names the error code and param of every error answer (JSON lines)', async () => {
    const { h, lines } = await logged('json');
    await h.get('/v1/tickets/ticket_123');
    await h.get('/v1/tickets?stauts=open');
    await h.call('POST', '/v1/tickets', { body: { subject: 'x', priority: 'urgnt' } });
    await h.get('/v1/ticket');
    await h.get('/v1/tickets', { key: null });
    await h.get('/v1/tickets/ticket_nope');
    const requests = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request');
    expect(requests.map((r) => [r.status, r.error])).toEqual([
      [200, undefined],
      [400, { code: 'unknown_parameter', param: 'stauts' }],
      [422, { code: 'invalid_parameter', param: 'priority' }],
      [404, { code: 'route_not_found', param: null }],
      [401, { code: 'missing_api_key', param: null }],
      [404, { code: 'resource_not_found', param: 'id' }],
    ]);
  });

  it('says it in the pretty line too, and for OAuth errors their RFC 6749 code', async () => {
    const { h, lines } = await logged('pretty');
    await h.get('/v1/me');
    await h.get('/v1/tickets?stauts=open');
    await h.call('POST', '/oauth/token', {
      key: null,
      body: 'grant_type=password',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('commflow_client:commflow_secret').toString('base64')}`,
      },
    });
    expect(lines[0]).toMatch(/^GET {4}\/v1\/me 200 \d+\.\d ms ws_456\n$/);
    expect(lines[1]).toMatch(/^GET {4}\/v1\/tickets 400 \d+\.\d ms ws_456 unknown_parameter param=stauts\n$/);
    expect(lines[2]).toMatch(/^POST {3}\/oauth\/token 400 \d+\.\d ms unsupported_grant_type\n$/);
  });
});
