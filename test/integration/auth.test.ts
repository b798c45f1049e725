import { beforeAll, describe, expect, it } from 'vitest';
import { buildOperations } from '../../src/openapi/operations.js';
import { loadSpec } from '../../src/openapi/spec.js';
import { ALL_SCOPES } from '../../src/store/types.js';
import { harness, type Harness } from '../helpers/harness.js';

const spec = await loadSpec();
const scoped = buildOperations(spec).filter((op) => op.scopes.length > 0);

function samplePath(template: string): string {
  return template.replace('{id}', template.startsWith('/v1/conversations') ? 'conv_123' : 'ticket_123').replace('{message_id}', 'msg_100');
}

describe('API keys and scopes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });

  it('every /v1 operation names scopes from the overview', () => {
    expect(scoped.length).toBeGreaterThan(20);
    for (const op of scoped) for (const s of op.scopes) expect(ALL_SCOPES).toContain(s);
  });

  it.each(scoped.map((op) => [op.id, op] as const))('%s: a key without its scope gets 403 naming it', async (_id, op) => {
    const created = await h.call('POST', '/_mock/api-keys', {
      key: null,
      body: { scopes: ALL_SCOPES.filter((s) => !op.scopes.includes(s)), name: 'limited' },
    });
    expect(created.status).toBe(201);
    const res = await h.call(op.method.toUpperCase(), samplePath(op.path), { key: created.body.data.key, body: op.body === 'none' ? undefined : {} });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ type: 'authorization_error', code: 'missing_scope', param: null });
    expect(res.body.error.message).toContain(`'${op.scopes[0]}'`);
  });

  it('a read-only key reads but cannot write', async () => {
    const created = await h.call('POST', '/_mock/api-keys', { key: null, body: { scopes: ['read:tickets'], plan: 'starter', mode: 'live' } });
    expect(created.body.data).toMatchObject({ scopes: ['read:tickets'], plan: 'starter', mode: 'live', revoked: false, workspace_id: 'ws_456' });
    expect(created.body.data.key).toMatch(/^sk_live_[A-Za-z0-9]{20,}$/);
    const key = created.body.data.key;
    expect((await h.get('/v1/tickets', { key })).status).toBe(200);
    const write = await h.call('POST', '/v1/tickets', { key, body: { subject: 'x' } });
    expect(write.status).toBe(403);
    expect(write.body.error.message).toBe("This request needs the 'write:tickets' scope, which the API key does not have.");
  });

  it('endpoints for any valid key need no scope', async () => {
    const created = await h.call('POST', '/_mock/api-keys', { key: null, body: { scopes: [] } });
    const key = created.body.data.key;
    expect((await h.get('/v1/me', { key })).status).toBe(200);
    expect((await h.get('/v1/users', { key })).status).toBe(200);
    expect((await h.get('/v1/webhooks', { key })).status).toBe(200);
    expect((await h.get('/v1/tickets', { key })).status).toBe(403);
  });

  it('a revoked key gets 401, other keys keep working', async () => {
    const created = await h.call('POST', '/_mock/api-keys', { key: null, body: {} });
    const { id, key } = created.body.data;
    expect((await h.get('/v1/me', { key })).status).toBe(200);
    expect((await h.call('DELETE', `/_mock/api-keys/${id}`, { key: null })).status).toBe(204);
    const after = await h.get('/v1/me', { key });
    expect(after.status).toBe(401);
    expect(after.body.error).toMatchObject({ type: 'authentication_error', code: 'api_key_revoked' });
    expect(after.body.error.message).not.toContain(key);
    expect((await h.get('/v1/me')).status).toBe(200);
    const listed = await h.get('/_mock/api-keys', { key: null });
    expect(listed.body.data.find((k: { id: string }) => k.id === id)).toMatchObject({ revoked: true });
  });

  it('revoking an unknown key is a 404', async () => {
    const res = await h.call('DELETE', '/_mock/api-keys/key_nope', { key: null });
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ type: 'not_found_error', param: 'id' });
  });

  it('the key body is validated by the spec', async () => {
    const res = await h.call('POST', '/_mock/api-keys', { key: null, body: { scopes: ['admin'] } });
    expect(res.status).toBe(422);
    expect(res.body.error.param).toBe('scopes[0]');
    const plan = await h.call('POST', '/_mock/api-keys', { key: null, body: { plan: 'enterprise' } });
    expect(plan.body.error).toMatchObject({ param: 'plan', message: "The 'plan' field must be one of: starter, professional, business." });
  });

  it('the Bearer scheme is case-insensitive and tolerates extra spaces', async () => {
    expect((await h.get('/v1/me', { key: null, headers: { authorization: 'bearer   sk_test_commflow' } })).status).toBe(200);
  });
});
