import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { controlHandlers } from './control/handlers.js';
import { workspaceHandlers, type NamedSnapshot } from './control/workspaces.js';
import { adminToken } from './middleware/admin-token.js';
import { oauthHandlers } from './auth/oauth-routes.js';
import { registerDocs } from './docs/routes.js';
import { errors, renderError } from './errors.js';
import { authenticate } from './middleware/auth.js';
import { chaos } from './middleware/chaos.js';
import { journal } from './middleware/journal.js';
import { rateLimit } from './middleware/rate-limit.js';
import { latency } from './middleware/latency.js';
import { validate } from './middleware/validate.js';
import { resourceHandlers, type Handler } from './resources/actions.js';
import type { AppDeps, AppEnv } from './types.js';

/**
 * The Hono app. Routes are generated from openapi.yaml at start; each request runs one fixed
 * pipeline: journal → rate limit → faults/Prefer → admin token → body limit → auth + scopes →
 * validation (openapi-backend) → handler, each route keeping only the steps it needs.
 */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { operations } = deps;
  const snapshots = new Map<string, NamedSnapshot>();
  const handlers: Record<string, Handler> = {
    ...resourceHandlers(deps, deps.engine), ...controlHandlers(deps), ...workspaceHandlers(deps, snapshots), ...oauthHandlers(deps),
  };
  const missing = operations.filter((op) => !handlers[op.id]).map((op) => op.id);
  if (missing.length) throw new Error(`openapi.yaml has operations without a handler: ${missing.join(', ')}`);

  if (deps.config.logLevel === 'info' || deps.config.logLevel === 'debug') {
    app.use('*', async function logRequest(c, next) {
      const t0 = performance.now();
      await next();
      deps.logger.request({
        method: c.req.method, path: c.req.path, status: c.res.status, ms: performance.now() - t0,
        workspace: c.get('principal')?.workspaceId ?? null,
      });
    });
  }
  app.onError((err, c) => renderError(err, c, (e) => deps.logger.error(`${c.req.method} ${c.req.path} failed`, e)));
  app.notFound((c) => renderError(errors.routeNotFound(c.req.method, c.req.path), c));
  const allowBrowsers = cors({
    origin: '*',
    allowHeaders: ['Authorization', 'Content-Type', 'Prefer'],
    exposeHeaders: ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset', 'Retry-After'],
  });
  // CORS only for browsers (they send Origin): it rewrites the response, which costs server-side callers.
  app.use('*', function corsForBrowsers(c, next) {
    return c.req.header('origin') ? allowBrowsers(c, next) : next();
  });
  if (deps.config.latency > 0) app.use('/v1/*', latency(deps.config.latency));

  const limitBody = bodyLimit({
    maxSize: deps.config.bodyLimit,
    onError: (c) => renderError(errors.payloadTooLarge(deps.config.bodyLimit), c),
  });
  const auth = authenticate(deps.keys, deps.oauth, deps.config.plan);
  const check = validate(deps.spec);
  const record = journal(deps.journal, deps.clock, deps.config.bodyLimit);
  const limit = deps.config.rateLimit
    ? [rateLimit({ limiter: deps.limiter, planOf: (token) => deps.keys.find(token)?.plan, defaultPlan: deps.config.plan })]
    : [];
  const onDemand = chaos(deps.faults, deps.spec);
  const admin = deps.config.adminToken ? [adminToken(deps.config.adminToken)] : [];
  const allowed = new Map<string, string[]>();
  for (const op of operations) {
    const handler = handlers[op.id]!;
    // Steps that would only pass through are left out: every layer costs a dispatch per request.
    const steps: MiddlewareHandler<AppEnv>[] = op.protocol === 'oauth'
      ? [onDemand, ...(op.body === 'none' ? [] : [limitBody])]
      : [
        ...(op.public ? [...limit, onDemand] : []),
        ...(op.path.startsWith('/_mock/') && op.id !== 'mockHealth' ? admin : []),
        ...(op.body === 'none' ? [] : [limitBody]),
        ...(op.authenticated ? [auth] : []),
        check,
      ];
    const selectOperation: MiddlewareHandler<AppEnv> = op.public
      ? function selectAndRecord(c, next) {
        c.set('op', op);
        return record(c, next);
      }
      : function selectOperation(c, next) {
        c.set('op', op);
        return next();
      };
    app.on(op.method.toUpperCase(), op.routePath, selectOperation, ...steps, (c) => handler(c));
    allowed.set(op.routePath, [...(allowed.get(op.routePath) ?? []), op.method.toUpperCase()]);
  }
  for (const [routePath, methods] of allowed) {
    app.all(routePath, (c) => {
      throw errors.methodNotAllowed(c.req.method, c.req.path, methods);
    });
  }
  registerDocs(app, deps.spec);
  return app;
}

