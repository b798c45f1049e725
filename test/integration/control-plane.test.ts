import { describe, expect, it } from 'vitest';
import { harness } from '../helpers/harness.js';

describe('the control plane', () => {
  it('GET /_mock/health answers without a key', async () => {
    const h = await harness();
    const res = await h.get('/_mock/health', { key: null });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ status: 'ok', version: expect.any(String) });
  });

  it('POST /_mock/reset restores the fixtures and default keys', async () => {
    const h = await harness();
    const created = await h.call('POST', '/v1/tickets', { body: { subject: 'Temporary' } });
    const id = created.body.data.id;
    await h.call('DELETE', '/v1/tickets/ticket_123');
    const key = (await h.call('POST', '/_mock/api-keys', { key: null, body: {} })).body.data.key;
    const before = await h.get('/v1/tickets?per_page=1');
    expect(before.body.meta.total_count).toBe(200);

    const reset = await h.call('POST', '/_mock/reset', { key: null });
    expect(reset.status).toBe(200);
    expect(reset.body).toEqual({ data: { reset: true } });
    expect((await h.get(`/v1/tickets/${id}`)).status).toBe(404);
    expect((await h.get('/v1/tickets/ticket_123')).status).toBe(200);
    expect((await h.get('/v1/me', { key })).status).toBe(401);
    const keys = await h.get('/_mock/api-keys', { key: null });
    expect(keys.body.data.map((k: { key: string }) => k.key)).toEqual(['sk_test_commflow', 'sk_live_commflow']);
  });

  it('serves the spec as YAML and JSON, and an offline playground', async () => {
    const h = await harness();
    const yaml = await h.app.request('/openapi.yaml');
    expect(yaml.headers.get('content-type')).toContain('yaml');
    expect(await yaml.text()).toContain('openapi: 3.0.3');
    const json = await h.app.request('/openapi.json');
    expect(((await json.json()) as { paths: object }).paths).toHaveProperty('/v1/tickets');
    const docs = await h.app.request('/docs');
    const html = await docs.text();
    expect(html).toContain('/docs/swagger-ui-bundle.js');
    expect(html).toContain('sk_test_commflow');
    expect(html).not.toMatch(/https?:\/\/(?!127)/);
    const bundle = await h.app.request('/docs/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    expect((await h.app.request('/docs/swagger-ui.css')).status).toBe(200);
  });

  it('answers CORS preflights so browser SDKs can call it', async () => {
    const h = await harness();
    const res = await h.app.request('/v1/tickets', {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });
});
