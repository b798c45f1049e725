import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { createApp } from './app.js';
import { listDeliveries, resetAll, resetWorkspace } from './control/handlers.js';
import { createWorkspace, exportState, importState } from './control/workspaces.js';
import type { JournalEntry, JournalQuery } from './middleware/journal.js';
import type { DbData as Snapshot } from './store/types.js';
import { subscribeAtStart } from './webhooks/subscribe.js';
import { ApiKeys } from './auth/keys.js';
import { OAuthServer } from './auth/oauth.js';
import { createClock, type Clock } from './clock.js';
import { defaults, type Config } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { buildOperations } from './openapi/operations.js';
import { loadSpec } from './openapi/spec.js';
import { getValidator } from './openapi/validator.js';
import { DEFAULT_KEYS, Store } from './store/store.js';
import type { AppDeps } from './types.js';
import { FaultRules } from './middleware/faults.js';
import { Journal } from './middleware/journal.js';
import { RateLimiter } from './middleware/rate-limit.js';
import { ResourceEngine } from './resources/engine.js';
import { Dispatcher } from './webhooks/dispatcher.js';

export interface MockServer {
  /** Base URL, e.g. `http://127.0.0.1:4010`; the API lives under `${url}/v1`. */
  url: string;
  port: number;
  /** The default test key, `sk_test_commflow`. */
  apiKey: string;
  liveApiKey: string;
  clock: Clock;
  /** Restores the fixtures and drops every change (or only one workspace's). */
  reset(workspaceId?: string): Promise<void>;
  /** A fresh, isolated workspace with its own keys: give one to each test file. */
  workspace(options?: { name?: string; seed?: number; fixtures?: 'default' | 'empty' }): Promise<{ id: string; apiKey: string; liveApiKey: string }>;
  /** The state as JSON (all of it, or one workspace and its keys); `restore` puts it back exactly. */
  snapshot(workspaceId?: string): Promise<Snapshot>;
  restore(snapshot: Snapshot): Promise<void>;
  /** The request journal, newest first. */
  requests(query?: JournalQuery): JournalEntry[];
  /** Webhook deliveries with their attempts, newest first. */
  deliveries(workspaceId?: string): Promise<Record<string, unknown>[]>;
  /** Waits until no webhook delivery is due (advancing the clock over retries if asked). */
  flush(options?: { advanceClock?: boolean; timeoutMs?: number }): Promise<void>;
  /** Stops listening and flushes `--data`. */
  close(): Promise<void>;
  /** For in-process requests: `app.fetch(request)`. */
  app: ReturnType<typeof createApp>;
  /** Subscriptions made with `--webhook` (their secrets, to verify deliveries). */
  webhooks: { id: string; url: string; secret: string }[];
}

export interface BuildOptions extends Partial<Config> {
  clock?: Clock;
  logger?: Logger;
}

/** Everything the app needs, with no socket: what tests pass to createApp. */
export async function buildDeps(options: BuildOptions = {}): Promise<AppDeps> {
  const startedAt = performance.now();
  const config: Config = { ...defaults, ...stripUndefined(options) };
  const clock = options.clock ?? createClock();
  const tty = Boolean(process.stderr.isTTY);
  const logger = options.logger ?? createLogger(config.logLevel, undefined, config.logFormat ?? (tty ? 'pretty' : 'json'), tty);
  const spec = await loadSpec();
  const operations = buildOperations(spec);
  const store = await Store.open({
    dataFile: config.data,
    fixtures: { dir: config.fixtures, seed: config.seed, scale: config.fixturesScale },
    clock,
    plan: config.plan,
  });
  const dispatcher = new Dispatcher({ store, clock, logger, retries: config.webhookRetries, timeoutMs: config.webhookTimeout });
  const engine = new ResourceEngine({
    spec, store, clock,
    outbox: (ws, mutations) => dispatcher.enqueueMutations(ws, mutations),
    onCommit: () => dispatcher.kick(),
  });
  const deps: AppDeps = {
    config, spec, operations, store, clock, keys: new ApiKeys(store, clock, config.plan), logger, startedAt,
    journal: new Journal(), faults: new FaultRules(clock, config.seed), limiter: new RateLimiter(clock), engine, dispatcher,
    oauth: new OAuthServer(clock, store.defaultWorkspaceId),
  };
  // Deliveries a previous run left pending (with --data) go out again: at-least-once.
  for (const id of store.storedWorkspaceIds()) void store.workspace(id)?.then((ws) => dispatcher.recover(ws));
  return deps;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([k, v]) => v !== undefined && k !== 'clock' && k !== 'logger')) as Partial<T>;
}

/** A snapshot of some workspaces (not the default one) restores only those. */
function snapshotIsPartial(snapshot: Snapshot, deps: AppDeps): boolean {
  return !Object.hasOwn(snapshot.workspaces, deps.store.defaultWorkspaceId);
}

export type { Snapshot };

/** Starts the mock on a socket. `port: 0` picks a free port. */
export async function startServer(options: BuildOptions = {}): Promise<MockServer> {
  const deps = await buildDeps(options);
  const app = createApp(deps);
  const webhooks = await subscribeAtStart(deps, deps.config.webhooks);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: deps.config.port, hostname: deps.config.host }, () => resolve(s as Server));
    s.once('error', reject);
  });
  // Warm up soon after listening, off the request path: load the validator and build the
  // default workspace (both also happen on demand if a request comes first).
  setTimeout(() => {
    void getValidator(deps.spec).catch((err) => deps.logger.error('validator failed to load', err));
    void deps.store.workspace(deps.store.defaultWorkspaceId)?.catch((err) => deps.logger.error('fixtures failed to load', err));
  }, 100).unref();
  const { port } = server.address() as AddressInfo;
  const host = deps.config.host.includes(':') ? `[${deps.config.host}]` : deps.config.host;
  const displayHost = host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host;
  return {
    url: `http://${displayHost}:${port}`,
    port,
    apiKey: DEFAULT_KEYS.test,
    liveApiKey: DEFAULT_KEYS.live,
    clock: deps.clock,
    app,
    webhooks,
    reset: async (workspaceId) => {
      if (!workspaceId) return resetAll(deps);
      if (!(await resetWorkspace(deps, workspaceId))) throw new Error(`No workspace ${workspaceId}`);
    },
    workspace: async (options) => {
      const created = await createWorkspace(deps, options);
      return { id: created.workspace.id, apiKey: created.api_key, liveApiKey: created.live_api_key };
    },
    snapshot: (workspaceId) => exportState(deps, workspaceId),
    restore: async (snapshot) => {
      await importState(deps, snapshot, !snapshotIsPartial(snapshot, deps));
    },
    requests: (query) => deps.journal.list(query),
    deliveries: (workspaceId) => listDeliveries(deps, workspaceId),
    flush: async (options) => {
      await deps.dispatcher.flush(options);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections?.();
      }).then(() => {
        deps.dispatcher.close();
        return deps.store.commit();
      }),
  };
}
