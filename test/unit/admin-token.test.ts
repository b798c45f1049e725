import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { renderError } from '../../src/errors.js';
import { adminToken } from '../../src/middleware/admin-token.js';

describe('adminToken middleware', () => {
  const app = new Hono();
  app.onError((err, c) => renderError(err, c));
  app.use(adminToken('s3cret-token'));
  app.get('/_mock/clock', (c) => c.text('ok'));

  const call = (authorization?: string) => app.request('/_mock/clock', { headers: authorization === undefined ? {} : { authorization } });

  it.each(['Bearer s3cret-token', 'bearer s3cret-token', 'BEARER   s3cret-token  '])('%j passes', async (header) => {
    const res = await call(header);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
  });

  it.each([
    undefined,
    '',
    's3cret-token',
    'Basic s3cret-token',
    'Bearer s3cret-toke',
    'Bearer s3cret-tokenX',
    'Bearer S3CRET-TOKEN',
    'Bearer s3cret-token extra',
    'Bearer sk_test_commflow',
  ])('%j: 401 invalid_admin_token', async (header) => {
    const res = await call(header);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: {
        type: 'authentication_error',
        code: 'invalid_admin_token',
        param: null,
        message: "The control plane needs 'Authorization: Bearer <admin token>' (the server was started with --admin-token).",
      },
    });
  });
});
