import { bearerToken } from '../auth/bearer.js';
import { pathOf, rawHeader, type Stored } from '../middleware/journal-log.js';
import type { Tap } from '../middleware/scenario-tap.js';
import { type Attempt, attemptsOf, journalCheck, label, sameRequest, times } from './attempts.js';
import type { Arm, Check } from './context.js';

/** The parameters of a token request as sent: a form, or JSON. */
function paramsOf(raw: Stored): URLSearchParams {
  const body = raw.body ?? '';
  if (body.trimStart().startsWith('{')) {
    try {
      const parsed = JSON.parse(body) as Record<string, unknown>;
      return new URLSearchParams(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
    } catch {
      return new URLSearchParams();
    }
  }
  return new URLSearchParams(body);
}

/** The client a token request names: HTTP Basic first (RFC 6749 §2.3.1), else `client_id` in the body. */
function clientOf(raw: Stored, params: URLSearchParams): string | undefined {
  const basic = /^Basic\s+(\S+)$/i.exec(rawHeader(raw, 'authorization') ?? '');
  if (!basic) return params.get('client_id') ?? undefined;
  const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
  const id = decoded.slice(0, decoded.includes(':') ? decoded.indexOf(':') : undefined);
  try {
    return decodeURIComponent(id.replace(/\+/g, ' '));
  } catch {
    return id;
  }
}

const credentialOf = (a: Attempt) => bearerToken(rawHeader(a.raw, 'authorization'));

/**
 * `token-expiry`: after every `after_requests` successful /v1 requests with an OAuth access token
 * of the workspace, that token expires now on the mock clock (its `expires_in` had promised an
 * hour), `expirations` times. Graded from the journal: each 401 token_expired should be followed
 * by one refresh, one retry with the new token, and every refresh should send the rotated token.
 */
export const armTokenExpiry: Arm = (ctx, { workspaceId, options }) => {
  const every = Number(options.after_requests);
  const limit = Number(options.expirations);
  const expired: string[] = [];
  let successes = 0;
  const tap: Tap = async (c, next) => {
    await next();
    if (expired.length >= limit || c.get('principal')?.kind !== 'oauth' || c.res.status >= 400) return;
    if (++successes % every !== 0) return;
    const token = bearerToken(c.req.header('authorization'));
    if (token && ctx.oauth.expireAccess(token)) expired.push(token);
  };
  ctx.taps.set(workspaceId, tap);

  return {
    stop: () => ctx.taps.delete(workspaceId, tap),
    grade(window) {
      const clients = new Set(
        ctx.oauth
          .listClients()
          .filter((cl) => cl.workspace_id === workspaceId)
          .map((cl) => cl.client_id),
      );
      const gone = new Set(expired);
      const refreshOf = new Map<number, string>();
      const attempts = attemptsOf(ctx.journal, window, workspaceId, (raw) => {
        const token = bearerToken(rawHeader(raw, 'authorization'));
        if (token && gone.has(token)) return true;
        if (raw.method !== 'POST' || pathOf(raw.url) !== '/oauth/token') return false;
        const p = paramsOf(raw);
        const client = clientOf(raw, p);
        if (p.get('grant_type') !== 'refresh_token' || client === undefined || !clients.has(client)) return false;
        refreshOf.set(raw.seq, p.get('refresh_token') ?? '');
        return true;
      });
      const isRefresh = (a: Attempt) => refreshOf.has(a.seq);
      const failures = expired.map((token) => attempts.find((a) => a.status === 401 && credentialOf(a) === token));
      if (!failures[0]) return { pending: true, checks: [] };

      const refreshProblems: string[] = [];
      const retryProblems: string[] = [];
      const met = failures.filter((f): f is Attempt => f !== undefined);
      for (const [k, f] of met.entries()) {
        const nextFailure = met[k + 1]?.seq ?? Infinity;
        const after = attempts.filter((a) => a.seq > f.seq && a.seq < nextFailure);
        const refreshes = after.filter(isRefresh).length;
        if (refreshes === 0) {
          refreshProblems.push(
            `after ${label(f)} got 401 token_expired the client did not refresh (no POST /oauth/token with grant_type=refresh_token): on 401 token_expired, refresh the access token (RFC 6749 §6), then retry the request once`,
          );
        } else if (refreshes > 1) {
          refreshProblems.push(
            `after ${label(f)} got 401 token_expired the client refreshed ${times(refreshes)}: one refresh is enough; let concurrent requests share it`,
          );
        }
        const again = after.filter((a) => !isRefresh(a) && sameRequest(a, f));
        const stale = again.filter((a) => credentialOf(a) === credentialOf(f)).length;
        const fresh = again.length - stale;
        if (stale > 0) retryProblems.push(`${label(f)} was sent again with the expired access token (${times(stale)}): retry it with the refreshed token`);
        else if (fresh === 0) retryProblems.push(`${label(f)} got 401 token_expired and was not sent again: retry it once with the new access token`);
        else if (fresh > 1) retryProblems.push(`${label(f)} was sent again ${times(fresh)} after the refresh: once is enough`);
      }
      const checks: Check[] = [
        {
          name: 'refreshed-once',
          passed: refreshProblems.length === 0,
          detail: refreshProblems.length
            ? `${capital(refreshProblems[0]!)}.`
            : `The client refreshed once after each of the ${met.length} expired token${met.length === 1 ? '' : 's'}.`,
        },
        {
          name: 'retried-once',
          passed: retryProblems.length === 0,
          detail: retryProblems.length ? `${capital(retryProblems[0]!)}.` : 'Each request that met an expired token was sent again once, with the new token.',
        },
        rotation(attempts.filter(isRefresh), refreshOf, limit, every),
      ];
      const lost = journalCheck(ctx.journal, window);
      return { pending: false, checks: lost ? [...checks, lost] : checks };
    },
  };
};

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Every refresh sent a refresh token no earlier refresh had sent, and got new tokens. */
function rotation(refreshes: Attempt[], sent: Map<number, string>, limit: number, every: number): Check {
  const name = 'rotated-refresh-token';
  const seen = new Set<string>();
  for (const [i, r] of refreshes.entries()) {
    const token = sent.get(r.seq) ?? '';
    if (seen.has(token)) {
      return {
        name,
        passed: false,
        detail: `Refresh ${i + 1} sent a refresh token an earlier refresh had already used: each refresh rotates it, and reusing one revokes the whole grant (RFC 9700 §4.14.2). Keep the refresh_token of every token response.`,
      };
    }
    seen.add(token);
    if (r.status !== 200) {
      return {
        name,
        passed: false,
        detail: `Refresh ${i + 1} was refused (${r.status}): send the refresh_token of the last token response (each refresh rotates it).`,
      };
    }
  }
  if (limit === 1) return { name, passed: true, detail: 'One expiry was armed (options.expirations 1), so a second refresh was not needed.' };
  if (refreshes.length < 2) {
    return {
      name,
      passed: false,
      detail: `${refreshes.length === 0 ? 'No refresh was' : 'Only one refresh was'} seen, so whether the client sends the rotated refresh token could not be: keep using the API (the new token expires after ${every} more successful request${every === 1 ? '' : 's'}) and refresh again.`,
    };
  }
  return { name, passed: true, detail: `Each of the ${refreshes.length} refreshes sent a refresh token not used before, and got new tokens.` };
}
