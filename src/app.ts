import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { type AppEnv, type Handler, requestHeader } from './context.js';
import type { NamedSnapshot } from './control.js';
import type { AppDeps } from './deps.js';
import { adminToken } from './middleware/admin-token.js';
import { errors, renderError } from './errors.js';
import { authenticate } from './middleware/auth.js';
import { BodyBudget, closeAfterAnswer, mustClose, readBody } from './middleware/body.js';
import { LIMITS } from './limits.js';
import { injectFaults } from './middleware/faults.js';
import { tapScenarios } from './middleware/scenario-tap.js';
import { sameOriginOnly } from './middleware/same-origin.js';
import { journal } from './middleware/journal.js';
import { logRequests } from './middleware/request-log.js';
import { simulate } from './middleware/prefer.js';
import { rateLimit } from './middleware/rate-limit.js';
import { latency } from './middleware/latency.js';
import { validate } from './middleware/validate.js';
import { runSteps, step } from './middleware/steps.js';
import { routeNotFound } from './openapi/messages.js';
import type { Operation } from './openapi/operations.js';
import { conformanceRoutes } from './routes/conformance.js';
import { controlRoutes } from './routes/control.js';
import { registerDocs } from './routes/docs.js';
import { inspectorRoutes } from './routes/inspector.js';
import { oauthRoutes } from './routes/oauth.js';
import { resourceRoutes } from './routes/resources.js';
import { workspaceRoutes } from './routes/workspaces.js';
import type { Plan } from './store/types.js';

/**
 * The steps of each operation, in one fixed order: journal → rate limit → faults → admin token →
 * auth + scopes → scenario tap → body → the workspace's faults → validation (openapi-backend) →
 * Prefer → handler. Each route keeps only the steps it needs (every layer costs a dispatch per
 * request). The body is read after the credentials are checked (never for a request that will be
 * refused anyway), within the body limit and the budget of bodies in flight; a body nobody read
 * closes its connection.
 */
function pipeline(deps: AppDeps): (op: Operation) => MiddlewareHandler<AppEnv>[] {
  // Two budgets: bodies of authenticated /v1 requests, and bodies of the routes anyone may call
  // (/_mock without --admin-token, /oauth before its client is known). Neither starves the other.
  const apiBudget = new BodyBudget(LIMITS.bodyBytesInFlight);
  const openBudget = new BodyBudget(LIMITS.openBodyBytesInFlight);
  const readApi = readBody(deps.config.bodyLimit, apiBudget);
  const readOpen = readBody(deps.config.bodyLimit, openBudget);
  const readRestore = readBody(deps.config.restoreLimit, openBudget);
  const auth = authenticate(deps.keys, deps.oauth, deps.config.plan);
  const check = validate(deps.validator);
  const prefer = simulate(deps.validator, deps.sleep);
  const record = journal(deps.journal, deps.clock);
  // With --no-rate-limit requests are still counted and the headers sent (SDKs parse them); none is refused.
  const limit = [
    rateLimit({ limiter: deps.limiter, bucketOf: (token) => rateBucketOf(deps, token), defaultPlan: deps.config.plan, enforce: deps.config.rateLimit }),
  ];
  const faults = injectFaults(deps.faults, deps.sleep);
  // After authentication, an armed scenario's tap; once the body is read (so the journal shows
  // it), the fault rules of the caller's workspace.
  const tap = tapScenarios(deps.taps);
  const workspaceFaults = injectFaults(deps.faults, deps.sleep, 'scoped');
  const sameOrigin = sameOriginOnly(() => deps.listener);
  const admin = [sameOrigin, ...(deps.config.adminToken ? [adminToken(deps.config.adminToken)] : [])];
  // Health is open to all; the inspector's page holds no data and asks for the admin token itself.
  const guards = (id: string) => (id === 'mockHealth' ? [] : id === 'mockUi' ? [sameOrigin] : admin);
  return (op) => {
    const enter: MiddlewareHandler<AppEnv> = op.public ? (c, next) => record(c, next) : (_c, next) => next();
    const select: MiddlewareHandler<AppEnv> =
      op.body === 'none'
        ? function selectOperation(c, next) {
            c.set('op', op);
            return enter(c, next);
          }
        : async function selectOperationWithBody(c, next) {
            c.set('op', op);
            try {
              await enter(c, next);
            } finally {
              if (mustClose(c, op.largeBody ? deps.config.restoreLimit : deps.config.bodyLimit)) closeAfterAnswer(c);
            }
          };
    const body = op.body === 'none' ? [] : [op.largeBody ? readRestore : op.public && op.protocol === 'api' ? readApi : readOpen];
    // OAuth endpoints find their client credentials in the body: it is read first there.
    if (op.protocol === 'oauth') return [select, ...body, faults];
    if (!op.public) return [select, ...guards(op.id), ...body, check];
    if (!op.authenticated) return [select, ...limit, faults, ...body, check, prefer];
    return [select, ...limit, faults, auth, tap, ...body, workspaceFaults, check, prefer];
  };
}

/** Each key record's window (records are replaced, never changed): found once, not built per request. */
const keyBuckets = new WeakMap<object, { bucket: string; plan: Plan }>();

/** The rate-limit window of a known credential: one per API key, one per OAuth client and workspace. */
function rateBucketOf(deps: AppDeps, token: string): { bucket: string; plan: Plan } | undefined {
  const key = deps.keys.find(token);
  if (key) {
    let found = keyBuckets.get(key);
    if (!found) {
      found = { bucket: `key:${key.id}`, plan: key.plan };
      keyBuckets.set(key, found);
    }
    return found;
  }
  const access = deps.oauth.access(token);
  if (access && 'token' in access) return { bucket: `oauth:${access.token.client_id}:${access.token.workspace_id}`, plan: deps.config.plan };
  return undefined;
}

/** Where a URL's path starts (after `scheme://host`). */
const pathStart = (url: string) => url.indexOf('/', url.indexOf('//') + 2);

/**
 * The Hono app. Routes are generated from openapi.yaml at start, each with its pipeline of
 * steps. The CommFlow API (`/v1`) has a Hono of its own, whose paths Hono's RegExpRouter takes
 * (one regular expression per method); the control plane's (a fixed segment beside a parameter:
 * `/_mock/requests/verify` and `/_mock/requests/{id}/replay`) make Hono fall back to its trie
 * router, which searches segment by segment: a third of a GET's time when it served /v1 too.
 */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const api = new Hono<AppEnv>();
  const { operations } = deps;
  const snapshots = new Map<string, NamedSnapshot>();
  const inspector = inspectorRoutes(deps, (req, env) => Promise.resolve(app.fetch(req, env)));
  const handlers: Record<string, Handler> = {
    ...inspector.handlers,
    ...resourceRoutes(deps, deps.engine),
    ...controlRoutes(deps),
    ...conformanceRoutes(deps),
    ...workspaceRoutes(deps, snapshots),
    ...oauthRoutes(deps),
  };
  const missing = operations.filter((op) => !handlers[op.id]).map((op) => op.id);
  if (missing.length) throw new Error(`openapi.yaml has operations without a handler: ${missing.join(', ')}`);

  const known = [...new Set(operations.map((op) => op.path)), '/docs', '/openapi.yaml', '/openapi.json'];
  const onError = (err: unknown, c: Context<AppEnv>) => renderError(err, c, (e) => deps.logger.error(`${c.req.method} ${c.req.path} failed`, e));
  const allowBrowsers = cors({
    origin: '*',
    allowHeaders: ['Authorization', 'Content-Type', 'Prefer'],
    exposeHeaders: ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset', 'Retry-After', 'Preference-Applied'],
  });
  // CORS for browser SDKs on the CommFlow API and OAuth only, never on the control plane (a web
  // page must not drive the sandbox), and only when a browser asks (it rewrites the response).
  const corsForBrowsers = step(function corsForBrowsers(c, next) {
    return requestHeader(c, 'origin') ? allowBrowsers(c, next) : next();
  });
  const logging = deps.config.logLevel === 'info' || deps.config.logLevel === 'debug' ? [logRequests(deps.logger)] : [];
  // The API's steps around every operation (and its not-found and 405 answers), in this order.
  const around = [...logging, corsForBrowsers, ...(deps.config.latency > 0 ? [latency(deps.config.latency, deps.sleep)] : [])];

  for (const hono of [api, app]) hono.onError(onError);
  for (const log of logging) app.use('*', log);
  app.use('/oauth/*', corsForBrowsers);
  app.notFound((c) => renderError(routeNotFound(c.req.method, c.req.path, known), c));

  const allowed = new Map<string, { hono: Hono<AppEnv>; methods: string[] }>();
  const steps = pipeline(deps);
  for (const op of operations) {
    const isApi = op.routePath.startsWith('/v1/');
    const hono = isApi ? api : app;
    // One handler per route: Hono calls it directly, without composing (see runSteps).
    hono.on(op.method.toUpperCase(), op.routePath, runSteps([...(isApi ? around : []), ...steps(op)], handlers[op.id]!, onError));
    const entry = allowed.get(op.routePath) ?? { hono, methods: [] };
    entry.methods.push(op.method.toUpperCase());
    allowed.set(op.routePath, entry);
  }
  // The control plane answers another method of a known path with a 405 route; the API from its
  // not-found answer (a catch-all route beside each path would make every request compose two).
  const apiPaths: [RegExp, string[]][] = [];
  for (const [routePath, { hono, methods }] of allowed) {
    if (hono === api) apiPaths.push([new RegExp(`^${routePath.replace(/:[^/]+/g, '[^/]+')}$`), methods]);
    else
      hono.all(routePath, (c) => {
        throw errors.methodNotAllowed(c.req.method, c.req.path, methods);
      });
  }
  api.notFound(
    runSteps(
      around,
      (c) => {
        const methods = apiPaths.find(([pattern]) => pattern.test(c.req.path))?.[1];
        throw methods ? errors.methodNotAllowed(c.req.method, c.req.path, methods) : routeNotFound(c.req.method, c.req.path, known);
      },
      onError,
    ),
  );
  registerDocs(app, deps.spec);
  inspector.registerAssets(app);
  // The root leads a browser to the playground (like /docs, not part of the CommFlow API).
  app.get('/', (c) => c.redirect('/docs', 302));

  // One entry (app.fetch, app.request) for both: /v1 paths go straight to the API's own Hono.
  const rest = app.fetch;
  app.fetch = (request, env, ctx) => {
    const url = request.url;
    return url.startsWith('/v1/', pathStart(url)) ? api.fetch(request, env, ctx) : rest(request, env, ctx);
  };
  return app;
}
