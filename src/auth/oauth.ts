import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock.js';
import { errors, OAuthError } from '../errors.js';
import { LIMITS } from '../limits.js';
import { isLoopbackHost } from '../loopback.js';
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
  /** The token family its tokens belong to (every refresh of them too). */
  family: string;
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
  /** Every token descended from one authorization (refreshes included) shares a family. */
  family: string;
}

export const ACCESS_TOKEN_TTL_S = 3600;
/** Refresh tokens last 30 days on the mock clock (each refresh issues a new one). */
export const REFRESH_TOKEN_TTL_S = 30 * 24 * 3600;
const WINDOW_MS = 60_000;
const CODE_TTL_MS = 10 * 60_000;
const secret = (prefix: string) => `${prefix}${randomBytes(24).toString('base64url')}`;

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
  /** Failed token requests per client in the current one-minute window. */
  private failures = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly defaultWorkspaceId: string,
    /** Whether a workspace still exists: clients of a deleted one issue nothing. */
    private readonly workspaceExists: (id: string) => boolean = () => true,
  ) {
    this.reset();
  }

  reset(): void {
    this.clients.clear();
    this.codes.clear();
    this.tokens.clear();
    this.failures.clear();
    this.clients.set(DEFAULT_CLIENT.id, {
      client_id: DEFAULT_CLIENT.id,
      client_secret: DEFAULT_CLIENT.secret,
      name: 'Default client',
      redirect_uris: 'loopback',
      public: false,
      workspace_id: this.defaultWorkspaceId,
      created_at: '2025-06-01T00:00:00Z',
    });
  }

  createClient(input: { name?: string; redirect_uris: string[]; public?: boolean; workspace_id: string }): OAuthClient {
    if (this.clients.size >= LIMITS.oauthClients) throw errors.limitReached('OAuth clients', LIMITS.oauthClients, 'Reset the sandbox to start over.');
    const client: OAuthClient = {
      client_id: secret('client_'),
      client_secret: input.public ? null : secret('secret_'),
      name: input.name ?? 'OAuth client',
      redirect_uris: input.redirect_uris,
      public: input.public ?? false,
      workspace_id: input.workspace_id,
      created_at: this.clock.iso(),
    };
    this.clients.set(client.client_id, client);
    return client;
  }

  /** How much is held, for limits and the inspector. */
  get counts(): { clients: number; codes: number; tokens: number } {
    return { clients: this.clients.size, codes: this.codes.size, tokens: this.tokens.size };
  }

  listClients(): OAuthClient[] {
    return [...this.clients.values()];
  }

  /** A client that may still act (its workspace exists). */
  client(id: string | undefined): OAuthClient | undefined {
    const client = id ? this.clients.get(id) : undefined;
    return client && this.workspaceExists(client.workspace_id) ? client : undefined;
  }

  /** A deleted workspace takes its clients, codes and tokens with it. */
  forgetWorkspace(workspaceId: string): void {
    for (const [id, c] of this.clients) if (c.workspace_id === workspaceId) this.clients.delete(id);
    for (const [code, c] of this.codes) if (c.workspace_id === workspaceId) this.codes.delete(code);
    for (const [token, t] of this.tokens) if (t.workspace_id === workspaceId) this.tokens.delete(token);
    for (const id of this.failures.keys()) if (!this.clients.has(id)) this.failures.delete(id);
  }

  redirectAllowed(client: OAuthClient, uri: string): boolean {
    if (client.redirect_uris !== 'loopback') return client.redirect_uris.includes(uri);
    try {
      const u = new URL(uri);
      return u.protocol === 'http:' && isLoopbackHost(u.hostname) && !u.hash;
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

  issueCode(input: Omit<Code, 'expires' | 'used' | 'family'>): string {
    const now = this.clock.now();
    if (this.codes.size >= LIMITS.oauthCodes) {
      for (const [c, found] of this.codes) if (found.expires <= now) this.codes.delete(c);
      // Still full: the oldest codes go (Maps keep insertion order).
      for (const c of this.codes.keys()) {
        if (this.codes.size < LIMITS.oauthCodes) break;
        this.codes.delete(c);
      }
    }
    const code = secret('cfac_');
    this.codes.set(code, { ...input, expires: now + CODE_TTL_MS, used: false, family: secret('') });
    return code;
  }

  /**
   * Throttling of an authenticated client: LIMITS.oauthFailuresPerMinute failed requests per
   * minute of the mock clock, then 429 `slow_down` until the minute ends (or a reset).
   */
  throttle(clientId: string): void {
    const w = this.failures.get(clientId);
    const now = this.clock.now();
    if (!w || w.start !== Math.floor(now / WINDOW_MS) * WINDOW_MS || w.count < LIMITS.oauthFailuresPerMinute) return;
    const retryAfter = Math.max(1, Math.ceil((w.start + WINDOW_MS - now) / 1000));
    throw new OAuthError('slow_down', `Too many failed token requests for this client; retry after ${retryAfter} s.`, 429, {
      'Retry-After': String(retryAfter),
    });
  }

  failed(clientId: string): void {
    const start = Math.floor(this.clock.now() / WINDOW_MS) * WINDOW_MS;
    const w = this.failures.get(clientId);
    if (w && w.start === start) w.count++;
    else this.failures.set(clientId, { start, count: 1 });
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
    if (!givenSecret || !client.client_secret || !same(givenSecret, client.client_secret)) {
      // RFC 6749 §5.2: a client that tried HTTP Basic is told which scheme to use.
      throw new OAuthError('invalid_client', 'Client authentication failed.', 401, viaBasic ? { 'WWW-Authenticate': 'Basic realm="commflow-mock"' } : {});
    }
    return client;
  }

  /** Keeps room for two more tokens: expired and revoked ones go first, then the oldest. */
  private makeRoom(now: number): void {
    if (this.tokens.size + 2 <= LIMITS.oauthTokens) return;
    for (const [t, found] of this.tokens) if (found.revoked || (found.expires !== null && found.expires <= now)) this.tokens.delete(t);
    for (const t of this.tokens.keys()) {
      if (this.tokens.size + 2 <= LIMITS.oauthTokens) break;
      this.tokens.delete(t);
    }
  }

  private issueTokens(client: OAuthClient, scopes: string[], workspace: string, user: string | null, withRefresh: boolean, family = secret('')) {
    const now = this.clock.now();
    this.makeRoom(now);
    const grant = secret('');
    const access = secret('cfat_');
    this.tokens.set(access, {
      kind: 'access',
      client_id: client.client_id,
      scopes,
      workspace_id: workspace,
      user_id: user,
      issued_at: now,
      expires: now + ACCESS_TOKEN_TTL_S * 1000,
      revoked: false,
      grant,
      family,
    });
    const out: Record<string, unknown> = { access_token: access, token_type: 'Bearer', expires_in: ACCESS_TOKEN_TTL_S, scope: scopes.join(' ') };
    if (withRefresh) {
      const refresh = secret('cfrt_');
      this.tokens.set(refresh, {
        kind: 'refresh',
        client_id: client.client_id,
        scopes,
        workspace_id: workspace,
        user_id: user,
        issued_at: now,
        expires: now + REFRESH_TOKEN_TTL_S * 1000,
        revoked: false,
        grant,
        family,
      });
      out.refresh_token = refresh;
    }
    return out;
  }

  /** Revokes every token of a family (a replayed code or refresh token means one leaked: RFC 9700 §4.14.2). */
  private revokeFamily(family: string): void {
    for (const t of this.tokens.values()) if (t.family === family) t.revoked = true;
  }

  exchangeCode(client: OAuthClient, code: string | undefined, redirectUri: string | undefined, verifier: string | undefined) {
    if (!code) throw new OAuthError('invalid_request', "The 'code' parameter is required.");
    const found = this.codes.get(code);
    const invalid = (why: string) => new OAuthError('invalid_grant', why);
    if (!found || found.client_id !== client.client_id) throw invalid('The authorization code is not valid for this client.');
    if (found.used) {
      this.revokeFamily(found.family);
      throw invalid('The authorization code was already used; every token issued with it (and refreshed since) is revoked.');
    }
    if (found.expires <= this.clock.now()) throw invalid('The authorization code has expired.');
    if ((found.redirect_given || redirectUri !== undefined) && redirectUri !== found.redirect_uri) {
      throw invalid("The 'redirect_uri' does not match the one of the authorization request.");
    }
    if (found.challenge) {
      if (!verifier) throw invalid("The 'code_verifier' is required (PKCE was used).");
      const computed = createHash('sha256').update(verifier).digest('base64url');
      if (!same(computed, found.challenge)) throw invalid("The 'code_verifier' does not match the code challenge.");
    } else if (verifier !== undefined) {
      throw invalid("A 'code_verifier' was sent, but the authorization request had no code_challenge (PKCE downgrade).");
    }
    found.used = true;
    return this.issueTokens(client, found.scopes, found.workspace_id, found.user_id, true, found.family);
  }

  refresh(client: OAuthClient, token: string | undefined, scope: string | undefined) {
    if (!token) throw new OAuthError('invalid_request', "The 'refresh_token' parameter is required.");
    const found = this.tokens.get(token);
    if (found?.kind !== 'refresh' || found.client_id !== client.client_id) {
      throw new OAuthError('invalid_grant', 'The refresh token is not valid.');
    }
    if (found.revoked) {
      this.revokeFamily(found.family);
      throw new OAuthError('invalid_grant', 'The refresh token was already used or revoked; every token of its grant is revoked now.');
    }
    if (found.expires !== null && found.expires <= this.clock.now()) throw new OAuthError('invalid_grant', 'The refresh token has expired.');
    const scopes = scope === undefined ? found.scopes : this.parseScopes(scope);
    const extra = scopes.find((s) => !found.scopes.includes(s));
    if (extra) throw new OAuthError('invalid_scope', `The scope '${extra}' was not granted.`);
    found.revoked = true;
    return this.issueTokens(client, scopes, found.workspace_id, found.user_id, true, found.family);
  }

  clientCredentials(client: OAuthClient, scope: string | undefined) {
    if (client.public) throw new OAuthError('unauthorized_client', 'Public clients cannot use client_credentials.');
    return this.issueTokens(client, this.parseScopes(scope), client.workspace_id, null, false);
  }

  /**
   * Revokes a token of this client (a refresh token takes its grant's access tokens with it).
   * Unknown tokens are fine (RFC 7009 §2.2); another client's token is refused (§2.1).
   */
  revoke(client: OAuthClient, token: string): void {
    const found = this.tokens.get(token);
    if (!found) return;
    if (found.client_id !== client.client_id) throw new OAuthError('invalid_grant', 'The token was issued to another client.');
    found.revoked = true;
    if (found.kind === 'refresh') for (const t of this.tokens.values()) if (t.grant === found.grant) t.revoked = true;
  }

  /** RFC 7662: what a token of this client is; inactive for unknown, expired, revoked or another client's tokens. */
  introspect(client: OAuthClient, token: string): Record<string, unknown> {
    const t = this.tokens.get(token);
    if (!t || t.client_id !== client.client_id || t.revoked || (t.expires !== null && t.expires <= this.clock.now())) return { active: false };
    return {
      active: true,
      scope: t.scopes.join(' '),
      client_id: t.client_id,
      token_type: t.kind === 'access' ? 'Bearer' : 'refresh_token',
      iat: Math.floor(t.issued_at / 1000),
      ...(t.expires !== null ? { exp: Math.floor(t.expires / 1000) } : {}),
      ...(t.user_id ? { sub: t.user_id } : {}),
      workspace_id: t.workspace_id,
    };
  }

  /** Makes an access token expire now on the mock clock (a conformance scenario's surprise); false if it is not a live one. */
  expireAccess(token: string): boolean {
    const t = this.tokens.get(token);
    if (t?.kind !== 'access' || t.revoked || (t.expires !== null && t.expires <= this.clock.now())) return false;
    t.expires = this.clock.now();
    return true;
  }

  /** An access token as a /v1 credential: the token, or why it is not usable. */
  access(token: string): { token: OAuthToken } | { problem: 'expired' | 'revoked' } | undefined {
    const t = this.tokens.get(token);
    if (t?.kind !== 'access' || !this.workspaceExists(t.workspace_id)) return undefined;
    if (t.revoked) return { problem: 'revoked' };
    if (t.expires !== null && t.expires <= this.clock.now()) return { problem: 'expired' };
    return { token: t };
  }
}
