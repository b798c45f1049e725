import { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { createClock } from '../../src/clock.js';
import type { AppEnv } from '../../src/context.js';
import { buildDeps, type AppDeps } from '../../src/deps.js';
import { renderError } from '../../src/errors.js';
import { createLogger } from '../../src/logger.js';
import { DEFAULT_CLIENT } from '../../src/auth/oauth.js';
import { authenticate } from '../../src/middleware/auth.js';

describe('authenticate middleware', () => {
  let deps: AppDeps;
  let app: Hono<AppEnv>;
  let ws: string;

  beforeAll(async () => {
    const clock = createClock();
    clock.freeze(Date.parse('2026-07-01T12:00:00Z'));
    deps = await buildDeps({ logger: createLogger('silent'), rateLimit: false, clock, plan: 'business' });
    ws = deps.store.defaultWorkspaceId;
    app = new Hono<AppEnv>();
    app.onError((err, c) => renderError(err, c));
    // One route per operation: the middleware reads the operation's scopes from `op`.
    for (const id of ['listContacts', 'createTicket', 'getMe']) {
      const op = deps.operations.find((o) => o.id === id)!;
      app.get(
        `/${id}`,
        async (c, next) => {
          c.set('op', op);
          await next();
        },
        authenticate(deps.keys, deps.oauth, 'starter'),
        (c) => {
          const p = c.get('principal')!;
          return c.json({ ...p, scopes: [...p.scopes].sort() });
        },
      );
    }
  });

  const call = (path: string, authorization?: string) => app.request(path, { headers: authorization === undefined ? {} : { authorization } });
  const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

  it('no Authorization header: 401 missing_api_key', async () => {
    const res = await call('/listContacts');
    expect(res.status).toBe(401);
    expect(await errorOf(res)).toMatchObject({ code: 'missing_api_key' });
  });

  it.each([
    ['sk_test_commflow', 'invalid_authorization_header'],
    ['Basic abc', 'invalid_authorization_header'],
    ['Bearer', 'invalid_authorization_header'],
    ['Bearer a b', 'invalid_authorization_header'],
    ['', 'missing_api_key'], // an empty header is no header at all
  ])('Authorization %j: 401 %s', async (header, code) => {
    const res = await call('/listContacts', header);
    expect(res.status).toBe(401);
    expect((await errorOf(res)).code).toBe(code);
  });

  it('an unknown key: 401 invalid_api_key, showing only a prefix of it', async () => {
    const res = await call('/listContacts', 'Bearer sk_test_notarealkey123');
    expect(res.status).toBe(401);
    const error = await errorOf(res);
    expect(error).toMatchObject({ code: 'invalid_api_key', message: "The API key 'sk_test_nota…' is not valid." });
    expect(error.message).not.toContain('notarealkey123');
  });

  it('a valid key sets the api_key principal of its workspace, plan and mode', async () => {
    const res = await call('/listContacts', 'Bearer sk_test_commflow');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      kind: 'api_key',
      credentialId: 'key_default_test',
      workspaceId: ws,
      plan: 'business',
      mode: 'test',
      scopes: ['read:contacts', 'read:conversations', 'read:tickets', 'write:contacts', 'write:conversations', 'write:tickets'],
    });
    expect(await (await call('/getMe', 'bearer   sk_live_commflow')).json()).toMatchObject({ credentialId: 'key_default_live', mode: 'live' });
  });

  it("a key without the operation's scope: 403 missing_scope naming it", async () => {
    const key = await deps.store.transaction(() => deps.keys.create({ scopes: ['read:contacts'], plan: 'starter' }));
    expect((await call('/listContacts', `Bearer ${key.key}`)).status).toBe(200);
    const res = await call('/createTicket', `Bearer ${key.key}`);
    expect(res.status).toBe(403);
    expect(await errorOf(res)).toMatchObject({
      code: 'missing_scope',
      message: "This request needs the 'write:tickets' scope, which the API key does not have.",
    });
  });

  it('a revoked key: 401 api_key_revoked', async () => {
    const key = await deps.store.transaction(() => deps.keys.create({}));
    await deps.store.transaction(() => deps.keys.revoke(key.id));
    const res = await call('/listContacts', `Bearer ${key.key}`);
    expect(res.status).toBe(401);
    expect((await errorOf(res)).code).toBe('api_key_revoked');
  });

  it("an OAuth access token sets an oauth principal on the default plan, with the token's scopes", async () => {
    const client = deps.oauth.client(DEFAULT_CLIENT.id)!;
    const token = String(deps.oauth.clientCredentials(client, 'read:contacts').access_token);
    const res = await call('/listContacts', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      kind: 'oauth',
      credentialId: DEFAULT_CLIENT.id,
      workspaceId: ws,
      plan: 'starter',
      mode: 'test',
      scopes: ['read:contacts'],
    });
    const denied = await call('/createTicket', `Bearer ${token}`);
    expect(denied.status).toBe(403);
    expect((await errorOf(denied)).message).toBe("This request needs the 'write:tickets' scope, which the access token does not have.");
  });

  it('an expired or revoked access token: 401 token_expired / token_revoked', async () => {
    const client = deps.oauth.client(DEFAULT_CLIENT.id)!;
    const revoked = String(deps.oauth.clientCredentials(client, undefined).access_token);
    deps.oauth.revoke(client, revoked);
    expect((await errorOf(await call('/listContacts', `Bearer ${revoked}`))).code).toBe('token_revoked');
    const expiring = String(deps.oauth.clientCredentials(client, undefined).access_token);
    deps.clock.advance(3600 * 1000);
    const res = await call('/listContacts', `Bearer ${expiring}`);
    expect(res.status).toBe(401);
    expect((await errorOf(res)).code).toBe('token_expired');
  });
});
