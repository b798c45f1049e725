import { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AppEnv } from '../../src/context.js';
import { renderError } from '../../src/errors.js';
import { LIMITS } from '../../src/limits.js';
import { validate } from '../../src/middleware/validate.js';
import { buildOperations } from '../../src/openapi/operations.js';
import { loadSpec } from '../../src/openapi/spec.js';
import { createValidator } from '../../src/openapi/validator.js';

/** Routes the given operations through the middleware to a handler that echoes the validated input. */
function mount(app: Hono<AppEnv>, spec: Awaited<ReturnType<typeof loadSpec>>, check: ReturnType<typeof validate>, ids: string[]): void {
  app.onError((err, c) => renderError(err, c));
  for (const op of buildOperations(spec).filter((o) => ids.includes(o.id))) {
    app.on(
      op.method.toUpperCase(),
      op.routePath,
      async (c, next) => {
        c.set('op', op);
        await next();
      },
      check,
      (c) => c.json(c.get('input')),
    );
  }
}

describe('validate middleware', () => {
  const app = new Hono<AppEnv>();
  let loads = 0;

  beforeAll(async () => {
    const spec = await loadSpec();
    const real = createValidator(spec);
    const check = validate(() => {
      loads++;
      return real();
    });
    mount(app, spec, check, ['getMe', 'listContacts', 'getContact', 'createContact', 'updateContact']);
  });

  const call = (method: string, path: string, body?: unknown) =>
    app.request(path, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
  const errorOf = async (res: Response) => ((await res.json()) as { error: Record<string, unknown> }).error;

  it('an operation with nothing to validate gets empty input without loading the validator', async () => {
    const res = await call('GET', '/v1/me');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ params: {}, query: {}, body: {} });
    expect(loads).toBe(0);
  });

  it("a list without a query gets the spec's query defaults", async () => {
    const input = (await (await call('GET', '/v1/contacts')).json()) as { query: Record<string, unknown> };
    expect(input.query).toEqual({ page: 1, per_page: 25, sort: 'created_at', order: 'desc' });
  });

  it('query parameters are typed and defaults fill the rest', async () => {
    const input = (await (await call('GET', '/v1/contacts?per_page=5&page=2')).json()) as { query: Record<string, unknown> };
    expect(input.query).toEqual({ page: 2, per_page: 5, sort: 'created_at', order: 'desc' });
    expect(loads).toBeGreaterThan(0);
  });

  it.each([
    ['/v1/contacts?bogus=1', 'bogus', 'unknown_parameter'],
    ['/v1/contacts?per_page=abc', 'per_page', 'invalid_parameter'],
    ['/v1/contacts?per_page=0', 'per_page', 'invalid_parameter'],
    ['/v1/contacts?page=1&page=2', 'page', 'invalid_parameter'],
  ])('GET %s: 400 on %s (%s)', async (path, param, code) => {
    const res = await call('GET', path);
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({ type: 'invalid_request_error', param, code });
  });

  it('path parameters reach the handler', async () => {
    const input = await (await call('GET', '/v1/contacts/contact_42')).json();
    expect(input).toMatchObject({ params: { id: 'contact_42' } });
  });

  it('a valid body reaches the handler', async () => {
    const res = await call('POST', '/v1/contacts', { email: 'ada@example.com', name: 'Ada' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ body: { email: 'ada@example.com', name: 'Ada' } });
  });

  it.each([
    [{ name: 'Ada' }, 'email', 'missing_parameter', "The 'email' field is required."],
    [{ email: 'ada@example.com', nickname: 'x' }, 'nickname', 'unknown_parameter', undefined],
    [{ email: 'not an email' }, 'email', 'invalid_parameter', "The 'email' field must be a valid email."],
    [{ email: 'ada@example.com', tags: 'vip' }, 'tags', 'invalid_parameter', "The 'tags' field must be an array."],
  ])('POST /v1/contacts %j: 422 on %s (%s)', async (body, param, code, message) => {
    const res = await call('POST', '/v1/contacts', body);
    expect(res.status).toBe(422);
    const error = await errorOf(res);
    expect(error).toMatchObject({ type: 'invalid_request_error', param, code });
    if (message) expect(error.message).toBe(message);
  });

  it('a missing body is validated as {}: 422 naming the first required field', async () => {
    const res = await call('POST', '/v1/contacts');
    expect(res.status).toBe(422);
    expect(await errorOf(res)).toMatchObject({ code: 'missing_parameter', param: 'email', message: "The 'email' field is required." });
  });

  it('an empty PATCH: 422, the body must contain a field', async () => {
    const res = await call('PATCH', '/v1/contacts/contact_1', {});
    expect(res.status).toBe(422);
    expect(await errorOf(res)).toMatchObject({ param: null, message: 'The request body must contain at least one field.' });
  });
});

describe('validate middleware: remembered URLs', () => {
  async function setup() {
    const spec = await loadSpec();
    const real = createValidator(spec);
    const validated: string[] = [];
    const check = validate(async () => {
      const v = await real();
      const counted: typeof v.validate = (op, parts) => {
        validated.push(`${op.id}?${parts.search}`);
        return v.validate(op, parts);
      };
      return { ...v, validate: counted };
    });
    const app = new Hono<AppEnv>();
    mount(app, spec, check, ['listContacts', 'getContact', 'createContact']);
    return { app, validated };
  }

  it('validates a body-less URL once, and gives every request the same answer', async () => {
    const { app, validated } = await setup();
    const first = await (await app.request('/v1/contacts?per_page=5')).json();
    const again = await (await app.request('/v1/contacts?per_page=5')).json();
    await app.request('/v1/contacts?per_page=6');
    await app.request('/v1/contacts/contact_123');
    await app.request('/v1/contacts/contact_123');
    expect(again).toEqual(first);
    expect(validated).toEqual(['listContacts?per_page=5', 'listContacts?per_page=6', 'getContact?']);
  });

  it('never remembers a refusal, a request with a body or with a header parameter (Prefer), or a URL over the length limit', async () => {
    const { app, validated } = await setup();
    for (let i = 0; i < 2; i++) {
      expect((await app.request('/v1/contacts?stauts=x')).status).toBe(400);
      await app.request('/v1/contacts', { method: 'POST', body: '{"email":"a@example.com"}', headers: { 'content-type': 'application/json' } });
      await app.request(`/v1/contacts?q=${'a'.repeat(LIMITS.validatedUrlBytes)}`);
      await app.request('/v1/contacts?per_page=7', { headers: { Prefer: 'code=404' } });
    }
    // Each of the three was validated both times.
    const once = ['listContacts?staut', 'createContact?', 'listContacts?q=aaa', 'listContacts?per_p'];
    expect(validated.map((v) => v.slice(0, 18))).toEqual([...once, ...once]);
    expect(validated).toHaveLength(8);
  });

  it(`remembers at most ${LIMITS.validatedUrls} URLs, forgetting the oldest first`, async () => {
    const { app, validated } = await setup();
    for (let i = 0; i <= LIMITS.validatedUrls; i++) await app.request(`/v1/contacts?page=${i + 1}`);
    expect(validated).toHaveLength(LIMITS.validatedUrls + 1);
    await app.request(`/v1/contacts?page=${LIMITS.validatedUrls + 1}`); // the newest: remembered
    await app.request('/v1/contacts?page=1'); // the oldest: forgotten
    expect(validated.slice(LIMITS.validatedUrls + 1)).toEqual(['listContacts?page=1']);
  });
});
