import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.js';
import { ApiError, OAuthError } from '../errors.js';
import type { Logger, RequestLine } from '../logger.js';

/**
 * Why an error status was answered, from the error the pipeline threw (Hono keeps it in
 * `c.error`), or else from the error body itself (an unknown route, an answer written directly).
 */
async function reasonOf(c: Context<AppEnv>): Promise<RequestLine['error']> {
  const err = c.error;
  if (err instanceof ApiError) return { code: err.code, param: err.param };
  if (err instanceof OAuthError) return { code: err.error, param: null };
  if (!(c.res.headers.get('content-type') ?? '').includes('json')) return undefined;
  try {
    const body = (await c.res.clone().json()) as { error?: unknown } | null;
    const e = body?.error;
    if (typeof e === 'string') return { code: e, param: null }; // RFC 6749's envelope
    if (e && typeof e === 'object' && typeof (e as { code?: unknown }).code === 'string') {
      const { code, param } = e as { code: string; param?: unknown };
      return { code, param: typeof param === 'string' ? param : null };
    }
  } catch {
    // Not JSON after all: the status alone says it.
  }
  return undefined;
}

/** One log line per request: method, path, status, time, workspace, and for an error its code and param. */
export function logRequests(logger: Logger): MiddlewareHandler<AppEnv> {
  return async function logRequest(c, next) {
    const t0 = performance.now();
    await next();
    const status = c.res.status;
    const error = status >= 400 ? await reasonOf(c) : undefined;
    logger.request({
      method: c.req.method,
      path: c.req.path,
      status,
      ms: performance.now() - t0,
      workspace: c.get('principal')?.workspaceId ?? null,
      ...(error ? { error } : {}),
    });
  };
}
