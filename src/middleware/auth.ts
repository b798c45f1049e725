import type { MiddlewareHandler } from 'hono';
import { step } from './steps.js';
import { bearerToken } from '../auth/bearer.js';
import type { ApiKeys } from '../auth/keys.js';
import { errors, redact } from '../errors.js';
import type { OAuthServer } from '../auth/oauth.js';
import type { Plan } from '../store/types.js';
import { type AppEnv, type Principal, requestHeader } from '../context.js';

/** The principal of each key record (records are replaced, never changed, so one stays true while its record is held). */
const keyPrincipals = new WeakMap<object, Principal>();

function fromApiKey(keys: ApiKeys, secret: string): Principal | undefined {
  const key = keys.find(secret);
  if (!key) return undefined;
  if (key.revoked) throw errors.revokedApiKey(redact(secret));
  let principal = keyPrincipals.get(key);
  if (!principal) {
    principal = { kind: 'api_key', credentialId: key.id, workspaceId: key.workspace_id, scopes: new Set(key.scopes), plan: key.plan, mode: key.mode };
    keyPrincipals.set(key, principal);
  }
  return principal;
}

function fromAccessToken(oauth: OAuthServer, secret: string, plan: Plan): Principal | undefined {
  const found = oauth.access(secret);
  if (!found) return undefined;
  if ('problem' in found) {
    throw found.problem === 'expired' ? errors.tokenExpired() : errors.tokenRevoked();
  }
  const t = found.token;
  return { kind: 'oauth', credentialId: t.client_id, workspaceId: t.workspace_id, scopes: new Set(t.scopes), plan, mode: 'test' };
}

/** Resolves `Authorization: Bearer <API key or access token>` to a principal and enforces the operation's scopes. */
export function authenticate(keys: ApiKeys, oauth: OAuthServer, defaultPlan: Plan = 'professional'): MiddlewareHandler<AppEnv> {
  return step(function authenticateRequest(c, next) {
    const header = requestHeader(c, 'authorization');
    if (!header) throw errors.missingCredentials();
    const secret = bearerToken(header);
    if (!secret) throw errors.malformedAuthorization();
    const principal = fromApiKey(keys, secret) ?? fromAccessToken(oauth, secret, defaultPlan);
    if (!principal) throw errors.invalidApiKey(redact(secret));
    const credential = principal.kind === 'oauth' ? 'access token' : 'API key';
    for (const scope of c.get('op').scopes) if (!principal.scopes.has(scope)) throw errors.missingScope(scope, credential);
    c.set('principal', principal);
    return next();
  });
}
