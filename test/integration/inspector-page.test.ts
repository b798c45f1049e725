import { brotliDecompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { harness } from '../helpers/harness.js';

/** GET /_mock/ui and its files: compressed, cached, same-origin, open without the admin token. */
describe('GET /_mock/ui', () => {
  it('serves the page compressed, revalidated by ETag, with a policy that allows only its own files', async () => {
    const h = await harness();
    const res = await h.app.request('/_mock/ui', { headers: { 'accept-encoding': 'gzip, br' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-encoding')).toBe('br');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const html = brotliDecompressSync(Buffer.from(await res.arrayBuffer())).toString();
    expect(html).toMatch(/^<!doctype html>/);
    // Server-rendered: the views, and the forms built from openapi.yaml, are in the page itself.
    for (const id of ['requests', 'webhooks', 'state', 'controls', 'fault-form', 'key-form', 'flush-form', 'verify-form']) expect(html).toContain(`id="${id}"`);
    expect(html).toContain('<option value="503">503</option>');
    const again = await h.app.request('/_mock/ui', { headers: { 'accept-encoding': 'gzip, br', 'if-none-match': res.headers.get('etag')! } });
    expect(again.status).toBe(304);
    const plain = await h.app.request('/_mock/ui');
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe(html);
  });

  it("serves the page's files under their hash, for good; an old hash or an unknown file is a 404", async () => {
    const h = await harness();
    const html = await (await h.app.request('/_mock/ui')).text();
    const js = /src="(\/_mock\/ui\/assets\/[0-9a-f]{12}\/main\.js)"/.exec(html)![1]!;
    const res = await h.app.request(js, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    for (const bad of [
      js.replace(/[0-9a-f]{12}/, '000000000000'),
      js.replace('main.js', 'nope.js'),
      js.replace('main.js', '__proto__'),
      js.replace('main.js', '..%2F..%2Fpackage.json'),
    ]) {
      const r = await h.get(bad, { key: null });
      expect(r.status, bad).toBe(404);
      expect(r.body.error.code).toBe('route_not_found');
    }
  });

  it('opens without the admin token (the page asks for it); every endpoint it calls needs it', async () => {
    const h = await harness({ adminToken: 's3cret' });
    expect((await h.app.request('/_mock/ui')).status).toBe(200);
    for (const path of ['/_mock/stats', '/_mock/requests', '/_mock/rate-limits', '/_mock/webhooks', '/_mock/stream']) {
      expect((await h.app.request(path)).status, path).toBe(401);
    }
  });

  it('is refused to another site, and never carries CORS headers', async () => {
    const h = await harness();
    const foreign = await h.app.request('/_mock/ui', { headers: { origin: 'https://evil.example', host: '127.0.0.1:4010' } });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const options = await h.app.request('/_mock/ui', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(options.headers.get('access-control-allow-origin')).toBeNull();
  });
});
