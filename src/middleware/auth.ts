import type { MiddlewareHandler } from 'hono';
import type { ApiKeys } from '../auth/keys.js';
import { errors, redact } from '../errors.js';
import type { AppEnv, Principal } from '../types.js';

/** Resolves `Authorization: Bearer <key>` to a principal and enforces the operation's scopes. */
export function authenticate(keys: ApiKeys): MiddlewareHandler<AppEnv> {
  return async function authenticateRequest(c, next) {
    const header = c.req.header('authorization');
    if (!header) throw errors.missingCredentials();
    const m = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
    if (!m) throw errors.malformedAuthorization();
    const secret = m[1]!;
    const key = keys.find(secret);
    if (!key) throw errors.invalidApiKey(redact(secret));
    if (key.revoked) throw errors.revokedApiKey(redact(secret));
    const principal: Principal = {
      kind: 'api_key', credentialId: key.id, workspaceId: key.workspace_id,
      scopes: new Set(key.scopes), plan: key.plan, mode: key.mode,
    };
    for (const scope of c.get('op').scopes) if (!principal.scopes.has(scope)) throw errors.missingScope(scope);
    c.set('principal', principal);
    return next();
  };
}
