import type { Context } from 'hono';
import type { OAuthClient } from '../auth/oauth.js';
import type { AppEnv, Handler } from '../context.js';
import type { AppDeps } from '../deps.js';
import { OAuthError } from '../errors.js';
import { LIMITS } from '../limits.js';
import { nestedDeeperThan } from '../openapi/json-depth.js';
import { dict } from '../store/dict.js';

const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function page(title: string, body: string, status: 200 | 400 = 200, c: Context<AppEnv>): Response {
  return c.html(
    `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · CommFlow (commflow-mock)</title>
<style>body{font:16px system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1f2328}
h1{font-size:1.4rem}ul{padding-left:1.2rem}button{font-size:1rem;padding:.5rem 1.2rem;margin-right:.5rem;cursor:pointer}
#approve{background:#1f6feb;color:#fff;border:0;border-radius:6px}#deny{border:1px solid #d0d7de;border-radius:6px;background:#f6f8fa}</style>
</head><body>${body}</body></html>`,
    status,
  );
}

/** The request's parameters: the query (GET) or a form / JSON body (POST); first value wins. */
async function params(c: Context<AppEnv>): Promise<Record<string, string>> {
  if (c.req.method === 'GET') return Object.fromEntries(new URL(c.req.url).searchParams);
  const text = await c.req.text();
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json') {
    if (nestedDeeperThan(text, LIMITS.bodyDepth))
      throw new OAuthError('invalid_request', `The request body is nested more than ${LIMITS.bodyDepth} levels deep.`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text || '{}');
    } catch {
      throw new OAuthError('invalid_request', 'The request body is not valid JSON.');
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new OAuthError('invalid_request', 'The request body must be a JSON object.');
    return Object.fromEntries(Object.entries(parsed).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  }
  if (type === 'application/x-www-form-urlencoded' || (type === '' && text === '')) {
    const out = dict<string>();
    for (const [k, v] of new URLSearchParams(text)) if (!Object.hasOwn(out, k)) out[k] = v;
    return out;
  }
  throw new OAuthError('invalid_request', 'Send parameters as application/x-www-form-urlencoded (or JSON).');
}

/** Client credentials from HTTP Basic (RFC 6749 §2.3.1, form-encoded parts) or the body. */
function clientOf(c: Context<AppEnv>, p: Record<string, string>): { id?: string; secret?: string; basic: boolean } {
  const m = /^Basic\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
  if (m) {
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    const at = decoded.indexOf(':');
    const dec = (s: string) => {
      try {
        return decodeURIComponent(s.replace(/\+/g, ' '));
      } catch {
        return s;
      }
    };
    return { id: dec(decoded.slice(0, at < 0 ? undefined : at)), secret: at < 0 ? '' : dec(decoded.slice(at + 1)), basic: true };
  }
  return { id: p.client_id, secret: p.client_secret, basic: false };
}

function redirect(c: Context<AppEnv>, uri: string, query: Record<string, string | undefined>): Response {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v);
  return c.redirect(url.toString(), 302);
}

/** GET (and the consent form's POST) /oauth/authorize: RFC 6749 §4.1 with PKCE (RFC 7636, S256). */
function authorizeHandler(deps: AppDeps, consentPost: boolean): Handler {
  const { oauth } = deps;
  return async (c) => {
    let p: Record<string, string>;
    try {
      p = await params(c);
    } catch (err) {
      return page('Bad request', `<h1>Bad request</h1><p>${escapeHtml((err as Error).message)}</p>`, 400, c);
    }
    const client = oauth.client(p.client_id);
    if (!client) {
      return page('Unknown client', `<h1>Unknown client</h1><p>No OAuth client '${escapeHtml(p.client_id ?? '')}' exists. Nothing was redirected.</p>`, 400, c);
    }
    const registered = client.redirect_uris !== 'loopback' && client.redirect_uris.length === 1 ? client.redirect_uris[0] : undefined;
    const redirectUri = p.redirect_uri ?? registered;
    if (!redirectUri || !oauth.redirectAllowed(client, redirectUri)) {
      return page(
        'Invalid redirect URI',
        `<h1>Invalid redirect URI</h1><p>'${escapeHtml(p.redirect_uri ?? '(none)')}' is not registered for ${escapeHtml(client.name)}. Nothing was redirected.</p>`,
        400,
        c,
      );
    }
    const back = (error: string, description: string) => redirect(c, redirectUri, { error, error_description: description, state: p.state });
    if (p.response_type !== 'code') return back('unsupported_response_type', "Only 'response_type=code' is supported.");
    let scopes: string[];
    try {
      scopes = oauth.parseScopes(p.scope);
    } catch (err) {
      return back('invalid_scope', (err as Error).message);
    }
    if (p.code_challenge_method && p.code_challenge_method !== 'S256') return back('invalid_request', "Only 'code_challenge_method=S256' is supported.");
    if (p.code_challenge && !p.code_challenge_method) {
      return back(
        'invalid_request',
        "A code_challenge without code_challenge_method means 'plain' (RFC 7636), which is not supported: send code_challenge_method=S256.",
      );
    }
    if (p.code_challenge && !/^[A-Za-z0-9_-]{43}$/.test(p.code_challenge))
      return back('invalid_request', "The 'code_challenge' must be a base64url SHA-256 (43 characters).");
    if (client.public && !p.code_challenge) return back('invalid_request', 'Public clients must use PKCE (code_challenge with S256).');

    const ask = !consentPost && (p.prompt === 'consent' || deps.config.oauthConsent);
    if (ask) {
      const hidden = Object.entries(p)
        .filter(([k]) => k !== 'prompt' && k !== 'decision')
        .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
        .join('');
      const list = scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join('');
      return page(
        'Authorize',
        `<h1>Authorize ${escapeHtml(client.name)}</h1>
<p><strong>${escapeHtml(client.name)}</strong> asks to access your CommFlow workspace as Developer (user_123) with:</p>
<ul id="scopes">${list}</ul>
<form method="post" action="/oauth/authorize">${hidden}
<button id="approve" type="submit" name="decision" value="approve">Approve</button>
<button id="deny" type="submit" name="decision" value="deny">Deny</button></form>`,
        200,
        c,
      );
    }
    if (consentPost && p.decision !== 'approve') return back('access_denied', 'The user denied the request.');
    const ws = await deps.store.workspace(client.workspace_id);
    const code = oauth.issueCode({
      client_id: client.client_id,
      redirect_uri: redirectUri,
      redirect_given: p.redirect_uri !== undefined,
      scopes,
      challenge: p.code_challenge ?? null,
      workspace_id: client.workspace_id,
      user_id: ws?.data.workspace.owner_id ?? 'user_123',
    });
    return redirect(c, redirectUri, { code, state: p.state });
  };
}

/** The OAuth endpoints (RFC 6749, 7636, 7009, 7662). */
export function oauthRoutes(deps: AppDeps): Record<string, Handler> {
  const { oauth } = deps;
  const withClient =
    (run: (client: OAuthClient, p: Record<string, string>, c: Context<AppEnv>) => Response | Promise<Response>): Handler =>
    async (c) => {
      let client: OAuthClient | undefined;
      try {
        const p = await params(c);
        const who = clientOf(c, p);
        client = oauth.authenticate(who.id, who.secret, who.basic);
        oauth.throttle(client.client_id);
        return await run(client, p, c);
      } catch (err) {
        // An authenticated client's failures count towards its throttle (RFC 6749 §10.10: guessing
        // codes and tokens); failed client authentication does not, so nobody can lock a client out.
        // A public client is named by its id alone, which anyone can send: its failures are not counted.
        if (client && !client.public && err instanceof OAuthError && err.status !== 429) oauth.failed(client.client_id);
        throw err;
      }
    };
  return {
    oauthAuthorize: authorizeHandler(deps, false),
    oauthConsent: authorizeHandler(deps, true),
    oauthToken: withClient((client, p, c) => {
      let body: Record<string, unknown>;
      switch (p.grant_type) {
        case 'authorization_code':
          body = oauth.exchangeCode(client, p.code, p.redirect_uri, p.code_verifier);
          break;
        case 'refresh_token':
          body = oauth.refresh(client, p.refresh_token, p.scope);
          break;
        case 'client_credentials':
          body = oauth.clientCredentials(client, p.scope);
          break;
        case undefined:
          throw new OAuthError('invalid_request', "The 'grant_type' parameter is required.");
        default:
          throw new OAuthError('unsupported_grant_type', `The grant type '${p.grant_type}' is not supported.`);
      }
      return c.json(body, 200, NO_STORE);
    }),
    oauthRevoke: withClient((client, p, c) => {
      if (!p.token) throw new OAuthError('invalid_request', "The 'token' parameter is required.");
      oauth.revoke(client, p.token);
      return c.body(null, 200, NO_STORE);
    }),
    oauthIntrospect: withClient((client, p, c) => {
      if (!p.token) throw new OAuthError('invalid_request', "The 'token' parameter is required.");
      return c.json(oauth.introspect(client, p.token), 200, NO_STORE);
    }),
  };
}
