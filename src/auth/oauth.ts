import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock.js';
import { ALL_SCOPES } from '../store/types.js';

export interface OAuthClient {
  client_id: string;
  /** Absent for public clients, which must use PKCE. */
  client_secret: string | null;
  name: string;
  /** Exact redirect URIs; `loopback` accepts any http://127.0.0.1, localhost or [::1] URI (RFC 8252). */
  redirect_uris: string[] | 'loopback';
  public: boolean;
  workspace_id: string;
  created_at: string;
}

interface Code {
  client_id: string;
  redirect_uri: string;
  redirect_given: boolean;
  scopes: string[];
  challenge: string | null;
  workspace_id: string;
  user_id: string;
  expires: number;
  used: boolean;
  issued: string[];
}

export interface OAuthToken {
  kind: 'access' | 'refresh';
  client_id: string;
  scopes: string[];
  workspace_id: string;
  user_id: string | null;
  issued_at: number;
  expires: number | null;
  revoked: boolean;
  /** Tokens issued together (an access token and its refresh token) share a grant. */
  grant: string;
}

/** An OAuth 2.0 error as RFC 6749 §5.2 and §4.1.2.1 name them. */
export class OAuthError extends Error {
  constructor(readonly error: string, readonly description: string, readonly status = 400) {
    super(description);
  }
}

export const ACCESS_TOKEN_TTL_S = 3600;
const CODE_TTL_MS = 10 * 60_000;
const secret = (prefix: string) => `${prefix}${randomBytes(24).toString('base64url')}`;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export const DEFAULT_CLIENT = { id: 'commflow_client', secret: 'commflow_secret' } as const;

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Clients, authorization codes and tokens; time from the mock clock. Held in memory. */
export class OAuthServer {
  private clients = new Map<string, OAuthClient>();
  private codes = new Map<string, Code>();
  private tokens = new Map<string, OAuthToken>();

  constructor(private readonly clock: Clock, private readonly defaultWorkspaceId: string) {
    this.reset();
  }

  reset(): void {
    this.clients.clear();
    this.codes.clear();
    this.tokens.clear();
    this.clients.set(DEFAULT_CLIENT.id, {
      client_id: DEFAULT_CLIENT.id, client_secret: DEFAULT_CLIENT.secret, name: 'Default client', redirect_uris: 'loopback',
      public: false, workspace_id: this.defaultWorkspaceId, created_at: '2025-06-01T00:00:00Z',
    });
  }

  createClient(input: { name?: string; redirect_uris: string[]; public?: boolean; workspace_id: string }): OAuthClient {
    const client: OAuthClient = {
      client_id: secret('client_'), client_secret: input.public ? null : secret('secret_'), name: input.name ?? 'OAuth client',
      redirect_uris: input.redirect_uris, public: input.public ?? false, workspace_id: input.workspace_id, created_at: this.clock.iso(),
    };
    this.clients.set(client.client_id, client);
    return client;
  }

  listClients(): OAuthClient[] {
    return [...this.clients.values()];
  }

  client(id: string | undefined): OAuthClient | undefined {
    return id ? this.clients.get(id) : undefined;
  }

  redirectAllowed(client: OAuthClient, uri: string): boolean {
    if (client.redirect_uris !== 'loopback') return client.redirect_uris.includes(uri);
    try {
      const u = new URL(uri);
      return u.protocol === 'http:' && LOOPBACK.has(u.hostname) && !u.hash;
    } catch {
      return false;
    }
  }

  /** Space-separated scopes, each one of the overview's six; none asked for means all six. */
  parseScopes(scope: string | undefined): string[] {
    const scopes = (scope ?? '').split(' ').filter(Boolean);
    if (scopes.length === 0) return [...ALL_SCOPES];
    const unknown = scopes.find((s) => !(ALL_SCOPES as readonly string[]).includes(s));
    if (unknown) throw new OAuthError('invalid_scope', `Unknown scope '${unknown}'. Scopes: ${ALL_SCOPES.join(' ')}.`);
    return [...new Set(scopes)];
  }

  issueCode(input: Omit<Code, 'expires' | 'used' | 'issued'>): string {
    const code = secret('cfac_');
    this.codes.set(code, { ...input, expires: this.clock.now() + CODE_TTL_MS, used: false, issued: [] });
    return code;
  }

  /** Client authentication: confidential clients need their secret, public ones only their id. */
  authenticate(id: string | undefined, givenSecret: string | undefined, viaBasic: boolean): OAuthClient {
    const client = this.client(id);
    const fail = () => new OAuthError('invalid_client', 'Client authentication failed.', 401);
    if (!client) throw fail();
    if (client.public) {
      if (givenSecret) throw fail();
      return client;
    }
    if (!givenSecret || !client.client_secret || !same(givenSecret, client.client_secret)) throw Object.assign(fail(), { basic: viaBasic });
    return client;
  }

  private issueTokens(client: OAuthClient, scopes: string[], workspace: string, user: string | null, withRefresh: boolean) {
    const now = this.clock.now();
    const grant = secret('');
    const access = secret('cfat_');
    this.tokens.set(access, {
      kind: 'access', client_id: client.client_id, scopes, workspace_id: workspace, user_id: user,
      issued_at: now, expires: now + ACCESS_TOKEN_TTL_S * 1000, revoked: false, grant,
    });
    const out: Record<string, unknown> = { access_token: access, token_type: 'Bearer', expires_in: ACCESS_TOKEN_TTL_S, scope: scopes.join(' ') };
    if (withRefresh) {
      const refresh = secret('cfrt_');
      this.tokens.set(refresh, {
        kind: 'refresh', client_id: client.client_id, scopes, workspace_id: workspace, user_id: user,
        issued_at: now, expires: null, revoked: false, grant,
      });
      out.refresh_token = refresh;
    }
    return { body: out, tokens: [access, out.refresh_token as string | undefined].filter((t): t is string => !!t) };
  }

  exchangeCode(client: OAuthClient, code: string | undefined, redirectUri: string | undefined, verifier: string | undefined) {
    if (!code) throw new OAuthError('invalid_request', "The 'code' parameter is required.");
    const found = this.codes.get(code);
    const invalid = (why: string) => new OAuthError('invalid_grant', why);
    if (!found || found.client_id !== client.client_id) throw invalid('The authorization code is not valid for this client.');
    if (found.used) {
      for (const t of found.issued) this.revoke(t);
      throw invalid('The authorization code was already used; the tokens issued with it are revoked.');
    }
    if (found.expires <= this.clock.now()) throw invalid('The authorization code has expired.');
    if ((found.redirect_given || redirectUri !== undefined) && redirectUri !== found.redirect_uri) {
      throw invalid("The 'redirect_uri' does not match the one of the authorization request.");
    }
    if (found.challenge) {
      if (!verifier) throw invalid("The 'code_verifier' is required (PKCE was used).");
      const computed = createHash('sha256').update(verifier).digest('base64url');
      if (!same(computed, found.challenge)) throw invalid("The 'code_verifier' does not match the code challenge.");
    }
    found.used = true;
    const issued = this.issueTokens(client, found.scopes, found.workspace_id, found.user_id, true);
    found.issued = issued.tokens;
    return issued.body;
  }

  refresh(client: OAuthClient, token: string | undefined, scope: string | undefined) {
    if (!token) throw new OAuthError('invalid_request', "The 'refresh_token' parameter is required.");
    const found = this.tokens.get(token);
    if (!found || found.kind !== 'refresh' || found.revoked || found.client_id !== client.client_id) {
      throw new OAuthError('invalid_grant', 'The refresh token is not valid.');
    }
    const scopes = scope === undefined ? found.scopes : this.parseScopes(scope);
    const extra = scopes.find((s) => !found.scopes.includes(s));
    if (extra) throw new OAuthError('invalid_scope', `The scope '${extra}' was not granted.`);
    found.revoked = true;
    return this.issueTokens(client, scopes, found.workspace_id, found.user_id, true).body;
  }

  clientCredentials(client: OAuthClient, scope: string | undefined) {
    if (client.public) throw new OAuthError('unauthorized_client', 'Public clients cannot use client_credentials.');
    return this.issueTokens(client, this.parseScopes(scope), client.workspace_id, null, false).body;
  }

  /** Revokes a token (a refresh token takes its grant's access tokens with it). Unknown tokens are fine. */
  revoke(token: string): void {
    const found = this.tokens.get(token);
    if (!found) return;
    found.revoked = true;
    if (found.kind === 'refresh') for (const t of this.tokens.values()) if (t.grant === found.grant) t.revoked = true;
  }

  introspect(token: string): Record<string, unknown> {
    const t = this.tokens.get(token);
    if (!t || t.revoked || (t.expires !== null && t.expires <= this.clock.now())) return { active: false };
    return {
      active: true, scope: t.scopes.join(' '), client_id: t.client_id, token_type: t.kind === 'access' ? 'Bearer' : 'refresh_token',
      iat: Math.floor(t.issued_at / 1000), ...(t.expires !== null ? { exp: Math.floor(t.expires / 1000) } : {}),
      ...(t.user_id ? { sub: t.user_id } : {}), workspace_id: t.workspace_id,
    };
  }

  /** An access token as a /v1 credential: the token, or why it is not usable. */
  access(token: string): { token: OAuthToken } | { problem: 'expired' | 'revoked' } | undefined {
    const t = this.tokens.get(token);
    if (!t || t.kind !== 'access') return undefined;
    if (t.revoked) return { problem: 'revoked' };
    if (t.expires !== null && t.expires <= this.clock.now()) return { problem: 'expired' };
    return { token: t };
  }
}
