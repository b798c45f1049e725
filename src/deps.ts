import { setTimeout as sleep } from 'node:timers/promises';
import { ApiKeys } from './auth/keys.js';
import { OAuthServer } from './auth/oauth.js';
import { createClock, type Clock, type Sleep } from './clock.js';
import type { ScenarioBook } from './conformance/book.js';
import { DEFAULT_FIXTURES, defaults, type Config } from './config.js';
import { Feed } from './feed.js';
import { LIMITS } from './limits.js';
import { createLogger, type Logger } from './logger.js';
import { FaultRules } from './middleware/fault-rules.js';
import { Journal } from './middleware/journal-log.js';
import { RateLimiter } from './middleware/rate-windows.js';
import { ScenarioTaps } from './middleware/scenario-tap.js';
import { buildOperations, type Operation } from './openapi/operations.js';
import { loadSpec, type Spec } from './openapi/spec.js';
import { createValidator, type Validator } from './openapi/validator.js';
import { ResourceEngine } from './resources/engine.js';
import { checkFixtures, readWorkspaceInfo, type FixtureCheck } from './store/fixtures.js';
import { Store } from './store/store.js';
import { Dispatcher } from './webhooks/dispatcher.js';
import { scopesOfEvent } from './webhooks/events.js';

/** Everything the app is built from; built once at start by buildDeps (or a test) and passed down. */
export interface AppDeps {
  config: Config;
  spec: Spec;
  /** openapi-backend over the spec, built on first use. */
  validator: () => Promise<Validator>;
  /** The operation table of the spec, built once at start. */
  operations: Operation[];
  store: Store;
  clock: Clock;
  keys: ApiKeys;
  logger: Logger;
  startedAt: number;
  journal: Journal;
  faults: FaultRules;
  limiter: RateLimiter;
  engine: ResourceEngine;
  dispatcher: Dispatcher;
  oauth: OAuthServer;
  /** Where this server listens, once it does (webhook URLs must not point back at it). */
  listener: { host: string; port: number } | undefined;
  /** Waits in real time (`--latency`, `Prefer: latency`, a fault's `latency_ms`): the client must feel it. */
  sleep: Sleep;
  connectionTimeouts: ConnectionTimeouts;
  /** What happens, for GET /_mock/stream and the inspector (costs a size check while nobody watches). */
  feed: Feed;
  /** The taps of armed conformance scenarios, one per workspace (the pipeline checks them after auth). */
  taps: ScenarioTaps;
  /** The conformance scenarios (src/conformance/), loaded on first use. */
  scenarios: Scenarios;
}

/** The scenario book, loaded by the first request that needs it; `clear` does nothing before that. */
export interface Scenarios {
  book(): Promise<ScenarioBook>;
  clear(workspaceId?: string): void;
}

export interface BuildOptions extends Partial<Config> {
  clock?: Clock;
  logger?: Logger;
  /** Real-time waits; a test may pass one that only records what it was asked. */
  sleep?: Sleep;
  /** Shorter (or longer) socket timeouts than README's Limits table (in-process only). */
  connectionTimeouts?: Partial<ConnectionTimeouts>;
}

/** How long a connection may take to send its headers, its whole request, or nothing at all (ms). */
export interface ConnectionTimeouts {
  headersMs: number;
  requestMs: number;
  idleMs: number;
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
  const validator = createValidator(spec);
  const fixtures = { dir: config.fixtures, seed: config.seed, scale: config.fixturesScale };
  // Bundled fixtures are checked by the test suite; a custom directory is checked here, before anything starts on it.
  if (config.fixtures !== DEFAULT_FIXTURES) await checkFixtures(fixtures, await fixtureCheck(validator));
  let deps: AppDeps | undefined;
  const defaultWorkspace = readWorkspaceInfo(config.fixtures).id;
  const store = await Store.open({
    dataFile: config.data,
    fixtures,
    clock,
    plan: config.plan,
    maxWorkspaces: config.maxWorkspaces,
    maxApiKeys: LIMITS.apiKeys,
    maxRecords: config.maxRecords + (config.fixturesScale ?? 0),
    accept: async (data) => {
      if (!data || typeof data !== 'object' || Array.isArray(data) || (data as { version?: unknown }).version !== 1) {
        throw new Error('it is not a commflow-mock data file (a JSON object with version 1, apiKeys and workspaces).');
      }
      // The default workspace exists even before its fixtures are first built (and saved).
      const { checkState } = await import('./store/check.js');
      return checkState(await validator(), data, [defaultWorkspace]);
    },
  });
  const listener = () => deps?.listener;
  const feed = new Feed();
  const stateChange = () => ({ at: clock.now() });
  store.onCommit(() => {
    if (feed.active) feed.emit('state', stateChange);
  });
  clock.onChange(() => {
    if (feed.active) feed.emit('clock', () => ({ now: new Date(clock.now()).toISOString(), frozen: clock.frozen, offset_ms: Math.round(clock.offsetMs()) }));
  });
  const eventTypes = (spec.components.schemas as Record<string, { enum?: string[] }>).EventType?.enum ?? [];
  const eventScopes = new Map(eventTypes.map((e) => [e, scopesOfEvent(operations, e)]));
  const scopesOf = (event: string) => eventScopes.get(event) ?? scopesOfEvent(operations, event);
  const dispatcher = new Dispatcher({ store, clock, logger, retries: config.webhookRetries, timeoutMs: config.webhookTimeout, scopesOf, listener, feed });
  const engine = new ResourceEngine({
    spec,
    store,
    clock,
    outbox: (ws, mutations) => dispatcher.enqueueMutations(ws, mutations),
    onCommit: () => dispatcher.kick(),
    // Loaded on the first subscription written: a start does not pay for it.
    vet: async (resource, ctx, body) => {
      if (resource === 'webhooks') await (await import('./webhooks/vet.js')).subscriptionVetter(operations, listener)(ctx, body);
    },
    maxRecords: config.maxRecords + (config.fixturesScale ?? 0),
  });
  const taps = new ScenarioTaps();
  const journal = new Journal({ entries: config.journalSize, bytes: LIMITS.journalBytes }, feed);
  const faults = new FaultRules(clock, config.seed);
  const oauth = new OAuthServer(clock, store.defaultWorkspaceId, (id) => store.has(id));
  let book: Promise<ScenarioBook> | undefined;
  let loaded: ScenarioBook | undefined;
  const scenarios: Scenarios = {
    book: () =>
      (book ??= import('./conformance/book.js').then(({ ScenarioBook }) => {
        const sender = { clock, timeoutMs: config.webhookTimeout, listener };
        loaded = new ScenarioBook({ journal, faults, taps, oauth, clock, store, logger, sender }, store.defaultWorkspaceId);
        return loaded;
      })),
    clear: (workspaceId) => loaded?.clear(workspaceId),
  };
  deps = {
    config,
    spec,
    validator,
    operations,
    store,
    clock,
    keys: new ApiKeys(store, clock, config.plan),
    logger,
    startedAt,
    journal,
    faults,
    limiter: new RateLimiter(clock),
    engine,
    dispatcher,
    oauth,
    listener: undefined,
    sleep: options.sleep ?? sleep,
    connectionTimeouts: {
      headersMs: LIMITS.headersTimeoutMs,
      requestMs: LIMITS.requestTimeoutMs,
      idleMs: LIMITS.idleTimeoutMs,
      ...stripUndefined(options.connectionTimeouts ?? {}),
    },
    feed,
    taps,
    scenarios,
  };
  // Deliveries a previous run left pending (with --data) go out again: at-least-once.
  for (const id of store.storedWorkspaceIds()) {
    const ws = await store.workspace(id);
    if (ws) dispatcher.recover(ws);
  }
  return deps;
}

/** With a custom fixtures directory: each record checked against its schema in openapi.yaml. */
async function fixtureCheck(validator: () => Promise<Validator>): Promise<FixtureCheck> {
  const v = await validator();
  const records = 'components/schemas/Snapshot/properties/workspaces/additionalProperties/properties/collections/properties';
  return (kind, value) => {
    const pointer = kind === 'workspace' ? 'components/schemas/WorkspaceRecord' : `${records}/${kind}/additionalProperties`;
    return v.check(pointer, value)?.message.replace(/^The request body/, 'The record');
  };
}

/** BuildOptions that are not Config keys. */
const NOT_CONFIG = new Set(['clock', 'logger', 'sleep', 'connectionTimeouts']);

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([k, v]) => v !== undefined && !NOT_CONFIG.has(k))) as Partial<T>;
}
