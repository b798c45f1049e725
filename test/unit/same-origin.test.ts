import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { renderError } from '../../src/errors.js';
import { sameOriginOnly } from '../../src/middleware/same-origin.js';

function appBoundTo(listener: { host: string } | undefined) {
  const app = new Hono();
  app.onError((err, c) => renderError(err, c));
  app.use(sameOriginOnly(() => listener));
  app.post('/_mock/reset', (c) => c.text('ok'));
  return (headers: Record<string, string>) => app.request('/_mock/reset', { method: 'POST', headers });
}

describe('sameOriginOnly middleware', () => {
  const call = appBoundTo({ host: '127.0.0.1' });

  it.each<[string, Record<string, string>]>([
    ['a script (no Origin, no Sec-Fetch-Site)', { host: '127.0.0.1:4010' }],
    ['a same-origin page', { host: 'localhost:4010', origin: 'http://localhost:4010', 'sec-fetch-site': 'same-origin' }],
    ['a page on the same host, by address', { host: '127.0.0.1:4010', origin: 'http://127.0.0.1:4010' }],
    ['a navigation typed by the user', { host: 'localhost:4010', 'sec-fetch-site': 'none' }],
    ['IPv6 loopback', { host: '[::1]:4010' }],
    ['a *.localhost name', { host: 'app.localhost:4010' }],
  ])('%s passes', async (_what, headers) => {
    const res = await call(headers);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
  });

  it.each<[string, Record<string, string>, string]>([
    ['another origin', { host: 'localhost:4010', origin: 'http://evil.example' }, 'http://evil.example'],
    ['another port', { host: 'localhost:4010', origin: 'http://localhost:3000' }, 'http://localhost:3000'],
    ['Origin: null', { host: 'localhost:4010', origin: 'null' }, 'null'],
    ['garbage Origin', { host: 'localhost:4010', origin: '::::' }, '::::'],
    ['Sec-Fetch-Site: cross-site', { host: 'localhost:4010', 'sec-fetch-site': 'cross-site' }, 'Sec-Fetch-Site: cross-site'],
    ['Sec-Fetch-Site: same-site', { host: 'localhost:4010', 'sec-fetch-site': 'same-site', origin: 'http://localhost:4010' }, 'http://localhost:4010'],
    ['DNS rebinding (a foreign Host)', { host: 'evil.example:4010' }, 'Host: evil.example'],
    ['no Host at all', {}, 'Host: none'],
  ])('%s: 403 cross_origin_refused', async (_what, headers, from) => {
    const res = await call(headers);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      error: {
        type: 'authorization_error',
        code: 'cross_origin_refused',
        param: null,
        message: `The control plane does not take requests from web pages (${from}); call it from a test, a script or curl.`,
      },
    });
  });

  it('the Host is only checked when bound to loopback', async () => {
    expect((await appBoundTo(undefined)({ host: 'evil.example' })).status).toBe(200);
    expect((await appBoundTo({ host: '0.0.0.0' })({ host: 'mock.internal:4010' })).status).toBe(200);
    expect((await appBoundTo({ host: 'localhost' })({ host: 'evil.example' })).status).toBe(403);
    // Still, a foreign Origin is refused whatever the binding.
    expect((await appBoundTo(undefined)({ host: 'a', origin: 'http://b' })).status).toBe(403);
  });
});
