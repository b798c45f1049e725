import { Hono } from 'hono';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AppEnv } from '../../src/context.js';
import { errors, renderError } from '../../src/errors.js';
import { LIMITS } from '../../src/limits.js';
import { BodyBudget, closeAfterAnswer, mustClose, readBody } from '../../src/middleware/body.js';
import { validate } from '../../src/middleware/validate.js';
import { buildOperations, type Operation } from '../../src/openapi/operations.js';
import { loadSpec } from '../../src/openapi/spec.js';
import { createValidator } from '../../src/openapi/validator.js';

const LIMIT = 16;
const URL_ = 'http://localhost/v1/x';

const post = (body: string, headers: Record<string, string> = {}) => new Request(URL_, { method: 'POST', body, headers });
/** A body of unknown length (chunked), as a client streaming it would send. */
const streamed = (...chunks: string[]) =>
  new Request(URL_, {
    method: 'POST',
    duplex: 'half',
    body: new ReadableStream<Uint8Array>({
      start(c) {
        for (const chunk of chunks) c.enqueue(new TextEncoder().encode(chunk));
        c.close();
      },
    }),
  } as RequestInit);

describe('readBody middleware', () => {
  let budget: BodyBudget;
  let app: Hono<AppEnv>;
  let seen: { text?: string; heldDuring?: number; refused?: boolean; read?: boolean; close?: boolean };

  beforeEach(() => {
    budget = new BodyBudget(1000);
    seen = {};
    app = new Hono<AppEnv>();
    app.onError((err, c) => renderError(err, c));
    // What the app's selectOperation step does around the pipeline.
    app.use(async (c, next) => {
      await next();
      seen.refused = c.get('bodyRefused');
      seen.read = c.get('bodyRead');
      seen.close = mustClose(c, LIMIT);
      if (seen.close) closeAfterAnswer(c);
    });
    app.use(readBody(LIMIT, budget));
    app.post('/v1/x', async (c) => {
      seen.heldDuring = budget.available;
      seen.text = await c.req.text();
      return c.text('ok');
    });
    app.post('/v1/fails', () => {
      throw errors.internal();
    });
    app.post('/v1/ignores', (c) => c.text('ok'));
  });

  it('reads a body of declared length within the limit, holding that many bytes of the budget meanwhile', async () => {
    const res = await app.request(post('{"a":1}', { 'content-length': '7' }));
    expect(res.status).toBe(200);
    expect(seen).toEqual({ text: '{"a":1}', heldDuring: 993, read: true, refused: undefined, close: false });
    expect(budget.available).toBe(1000);
    expect(res.headers.get('connection')).toBeNull();
  });

  it('refuses a declared length over the limit without reading it: 413, and the connection closes', async () => {
    const res = await app.request(post('x'.repeat(17), { 'content-length': '17' }));
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      error: { type: 'invalid_request_error', code: 'payload_too_large', param: null, message: 'The request body is larger than the limit of 16 bytes.' },
    });
    expect(seen).toEqual({ refused: true, read: undefined, close: true });
    expect(res.headers.get('connection')).toBe('close');
    expect(budget.available).toBe(1000);
  });

  it('collects a body of unknown length within the limit (holding the whole limit meanwhile)', async () => {
    const res = await app.request(streamed('{"a":', '1}'));
    expect(res.status).toBe(200);
    expect(seen).toMatchObject({ text: '{"a":1}', heldDuring: 1000 - LIMIT, read: true, close: false });
    expect(budget.available).toBe(1000);
  });

  it.each([[['x'.repeat(17)]], [['x'.repeat(10), 'x'.repeat(10)]]])('refuses a body of unknown length once it passes the limit (%j)', async (chunks) => {
    const res = await app.request(streamed(...chunks));
    expect(res.status).toBe(413);
    expect(seen).toMatchObject({ refused: true, close: true });
    expect(budget.available).toBe(1000);
  });

  it('exactly the limit is fine', async () => {
    expect((await app.request(streamed('x'.repeat(LIMIT)))).status).toBe(200);
    expect((await app.request(post('x'.repeat(LIMIT), { 'content-length': String(LIMIT) }))).status).toBe(200);
  });

  it('a request without a body passes untouched', async () => {
    const res = await app.request('/v1/x', { method: 'POST' });
    expect(res.status).toBe(200);
    expect(seen).toMatchObject({ text: '', heldDuring: 1000, read: undefined, close: false });
  });

  it('gives the budget back when a later step fails', async () => {
    const res = await app.request(new Request('http://localhost/v1/fails', { method: 'POST', body: 'abc', headers: { 'content-length': '3' } }));
    expect(res.status).toBe(500);
    expect(budget.available).toBe(1000);
  });

  it('mustClose: an unread body of unknown length closes the connection; a declared one within the limit does not', async () => {
    const ignored = (headers: Record<string, string>) => ({ method: 'POST', headers, body: 'abc' });
    const bare = new Hono<AppEnv>();
    let close: boolean | undefined;
    bare.post('/', (c) => {
      close = mustClose(c, LIMIT);
      return c.text('ok');
    });
    await bare.request('/', ignored({ 'content-length': '3' }));
    expect(close).toBe(false);
    await bare.request('/', ignored({ 'content-length': '17' }));
    expect(close).toBe(true);
    await bare.request('/', ignored({ 'content-length': '3', 'transfer-encoding': 'chunked' }));
    expect(close).toBe(true);
    await bare.request('/', ignored({ 'content-length': 'abc' }));
    expect(close).toBe(true);
  });
});

// Content types, nesting and JSON syntax are checked where the body is parsed: the validate step
// (src/middleware/validate.ts), after readBody, as in the app's pipeline.
describe('reading a JSON body (readBody → validate)', () => {
  const app = new Hono<AppEnv>();
  beforeAll(async () => {
    const spec = await loadSpec();
    const op = buildOperations(spec).find((o) => o.id === 'updateContact') as Operation;
    app.onError((err, c) => renderError(err, c));
    app.patch(
      '/v1/contacts/:id',
      async (c, next) => {
        c.set('op', op);
        await next();
      },
      readBody(1024 * 1024, new BodyBudget(10 * 1024 * 1024)),
      validate(createValidator(spec)),
      (c) => c.json(c.get('input').body),
    );
  });
  // Bytes, not a string: fetch gives a string body a text/plain type of its own.
  const patch = (body: string, type?: string) =>
    app.request('/v1/contacts/contact_1', {
      method: 'PATCH',
      body: new TextEncoder().encode(body),
      headers: type === undefined ? {} : { 'content-type': type },
    });
  const errorOf = async (res: Response) => ((await res.json()) as { error: Record<string, unknown> }).error;

  it.each(['application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/merge-patch+json', 'application/vnd.api+json'])(
    'takes %s',
    async (type) => {
      const res = await patch('{"name":"Ada"}', type);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ name: 'Ada' });
    },
  );

  it.each([
    ['text/plain', 'text/plain'],
    ['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded'],
    ['application/jsonx', 'application/jsonx'],
    [undefined, 'none'],
  ])('refuses %s: 415', async (type, named) => {
    const res = await patch('{"name":"Ada"}', type);
    expect(res.status).toBe(415);
    expect(await errorOf(res)).toEqual({
      type: 'invalid_request_error',
      code: 'unsupported_media_type',
      param: null,
      message: `The request body must be JSON sent with 'Content-Type: application/json', not '${named}'.`,
    });
  });

  it(`refuses JSON nested more than ${LIMITS.bodyDepth} levels: 422 nesting_too_deep, before parsing`, async () => {
    const deep = (n: number) => `{"name":"Ada","tags":${'['.repeat(n - 1)}${']'.repeat(n - 1)}}`;
    const res = await patch(deep(LIMITS.bodyDepth + 1), 'application/json');
    expect(res.status).toBe(422);
    expect(await errorOf(res)).toMatchObject({ code: 'nesting_too_deep', message: `The request body is nested more than ${LIMITS.bodyDepth} levels deep.` });
    // At the limit the body is parsed (and then fails the schema, not the nesting check).
    expect((await errorOf(await patch(deep(LIMITS.bodyDepth), 'application/json'))).code).not.toBe('nesting_too_deep');
  });

  it('bad JSON: 400 invalid_json', async () => {
    const res = await patch('{"name":', 'application/json');
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_json', param: null });
    expect(error.message).toMatch(/^The request body is not valid JSON: /);
  });

  it('a blank body counts as none, whatever its type', async () => {
    const res = await patch('  \n', 'text/plain');
    expect(res.status).toBe(422);
    expect((await errorOf(res)).message).toBe('The request body must contain at least one field.');
  });
});
