import type { AddressInfo, Socket } from 'node:net';
import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { serve } from '@hono/node-server';
import { createApp } from './app.js';
import type { Clock } from './clock.js';
import { createWorkspace, exportState, importState, listDeliveries, resetAll, resetWorkspace, subscribeAtStart } from './control.js';
import { buildDeps, type AppDeps, type BuildOptions } from './deps.js';
import { errors } from './errors.js';
import { LIMITS } from './limits.js';
import type { ScenarioView } from './conformance/book.js';
import type { CountExpectation, VerifyInput, VerifyResult } from './conformance/verify.js';
import type { JournalEntry, JournalQuery } from './middleware/journal-log.js';
import { DEFAULT_KEYS } from './store/store.js';
import type { DbData as Snapshot } from './store/types.js';

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
  /**
   * Resolves when the journal holds as many requests matching as expected (`count`: a number is
   * `times`; default at least 1) in the workspace (`workspace_id`, default the default one);
   * rejects with an AssertionError whose message names the closest requests and what differed.
   */
  verify(matcher: VerifyInput, count?: number | CountExpectation): Promise<VerifyResult>;
  /** Arms a conformance scenario for a workspace; `result()` grades it, `assertPassed()` rejects with the failed checks. */
  scenario(name: string, options?: { workspaceId?: string; options?: Record<string, number | string> }): Promise<ScenarioRun>;
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
  /** The listening `node:http` server (to watch its connections, say). */
  server: Server;
}

/** An armed conformance scenario, in process. */
export interface ScenarioRun {
  id: string;
  /** The verdict now: `pending` until the client met the scenario, then `passed` or `failed` with its checks. */
  result(): Promise<ScenarioView>;
  /** The verdict, or an AssertionError listing the checks that failed (or saying it is still pending). */
  assertPassed(): Promise<ScenarioView>;
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
  const server = await listen(app, deps);
  let webhooks: MockServer['webhooks'];
  try {
    webhooks = await subscribeAtStart(deps, deps.config.webhooks);
  } catch (err) {
    server.closeAllConnections();
    server.close();
    throw err instanceof Error ? err : new Error(String(err));
  }
  // Warm up soon after listening, off the request path: load the validator and build the
  // default workspace (both also happen on demand if a request comes first).
  setTimeout(() => {
    deps.validator().catch((err: unknown) => deps.logger.error('validator failed to load', err));
    deps.store.workspace(deps.store.defaultWorkspaceId)?.catch((err: unknown) => deps.logger.error('fixtures failed to load', err));
  }, 100).unref();
  const { port } = server.address() as AddressInfo;
  const host = deps.config.host.includes(':') ? `[${deps.config.host}]` : deps.config.host;
  const displayHost = host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${displayHost}:${port}`,
    port,
    apiKey: DEFAULT_KEYS.test,
    liveApiKey: DEFAULT_KEYS.live,
    clock: deps.clock,
    app,
    webhooks,
    server,
    reset: async (workspaceId) => {
      if (workspaceId === undefined) return resetAll(deps);
      if (!(await resetWorkspace(deps, workspaceId))) throw new Error(`No workspace ${workspaceId}`);
    },
    workspace: async (options) => {
      const created = await createWorkspace(deps, options);
      return { id: created.workspace.id, apiKey: created.api_key, liveApiKey: created.live_api_key };
    },
    snapshot: (workspaceId) => exportState(deps, workspaceId),
    restore: async (snapshot) => {
      // The caller keeps its object: the store must not share records with it.
      await importState(deps, structuredClone(snapshot), !snapshotIsPartial(snapshot, deps));
    },
    requests: (query) => deps.journal.list(query),
    verify: async (matcher, count) => {
      const { verifyInWorkspace } = await import('./conformance/verify.js');
      const result = verifyInWorkspace(deps.journal, deps.store, { ...matcher, ...(typeof count === 'number' ? { times: count } : count) });
      if (!result.passed) throw new (await import('node:assert')).AssertionError({ message: result.message });
      return result;
    },
    scenario: async (name, options = {}) => {
      const book = await deps.scenarios.book();
      const { id } = await book.arm({ name, workspace_id: options.workspaceId, options: options.options });
      const result = async () => {
        const view = book.view(id);
        if (!view) throw new Error(`Scenario ${id} is no longer held (its workspace was reset or deleted).`);
        return view;
      };
      return {
        id,
        result,
        assertPassed: async () => {
          const view = await result();
          if (view.status !== 'passed') {
            const [{ AssertionError }, { scenarioReport }] = await Promise.all([import('node:assert'), import('./conformance/report.js')]);
            throw new AssertionError({ message: scenarioReport(view) });
          }
          return view;
        },
      };
    },
    deliveries: (workspaceId) => listDeliveries(deps, workspaceId),
    flush: async (options) => {
      await deps.dispatcher.flush(options);
    },
    close: () => (closing ??= stop(server, deps)),
  };
}

/**
 * Listens with timeouts that drop idle and slow clients in seconds (a connection that sends
 * nothing, headers that trickle, a body that never ends), however long a request itself may
 * take once it is in (a flush, `Prefer: latency`).
 */
async function listen(app: ReturnType<typeof createApp>, deps: AppDeps): Promise<Server> {
  const { headersMs, requestMs, idleMs } = deps.connectionTimeouts;
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve(
      {
        fetch: app.fetch,
        port: deps.config.port,
        hostname: deps.config.host,
        serverOptions: {
          headersTimeout: headersMs,
          requestTimeout: requestMs,
          keepAliveTimeout: Math.min(5_000, idleMs),
          // Node looks for late headers and requests this often: a tenth of the shorter deadline, at most 1 s.
          connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(Math.min(headersMs, requestMs) / 10))),
        },
      },
      () => resolve(s as Server),
    );
    s.once('error', reject);
  });
  // Node closes sockets on its own only once a request has begun. Closed here after the idle time:
  // a socket with nothing in flight (never a byte sent, or between keep-alive requests), and one
  // whose answer has waited that long for a client that does not read it. A socket carries its
  // response in `_httpMessage` until it is sent (no per-request bookkeeping on the hot path);
  // a long request (a flush, `Prefer: latency`) has written nothing yet and stays.
  server.setTimeout(idleMs, (socket: Socket & { _httpMessage?: unknown }) => {
    if (!socket._httpMessage || socket.writableLength > 0) socket.destroy();
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => answerClientError(err, socket, deps.connectionTimeouts));
  // A client may half-close once its request is sent (RFC 9112 §9.6): it still gets its answer.
  (server as Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
  const { port } = server.address() as AddressInfo;
  deps.listener = { host: deps.config.host, port };
  return server;
}

const answered = new WeakSet<Duplex>();

/** What Node's HTTP parser refuses still gets an answer in the CommFlow envelope, then the connection closes. */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex, timeouts: AppDeps['connectionTimeouts']): void {
  // The parser reports every later chunk of a refused request again: answer once.
  if (answered.has(socket)) return;
  answered.add(socket);
  if (!socket.writable || err.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const problem =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? errors.malformedRequest(431, 'The request headers are larger than 16 KiB.')
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || err.code === 'ERR_HTTP_HEADERS_TIMEOUT'
        ? errors.malformedRequest(
            408,
            `The request did not arrive in time (headers within ${timeouts.headersMs / 1000} s, all of it within ${timeouts.requestMs / 1000} s).`,
          )
        : errors.malformedRequest(400, `The request is not valid HTTP/1.1 (${err.code ?? 'parse error'}).`);
  const body = JSON.stringify(problem.toJSON());
  // Read (and drop) what the client is still sending for a moment, so that it sees the answer
  // and a clean close instead of a reset.
  socket.on('data', () => undefined);
  socket.resume();
  setTimeout(() => socket.destroy(), 2_000).unref();
  socket.end(
    `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/**
 * Stops accepting, ends open streams, lets requests in flight finish (up to
 * LIMITS.shutdownGraceMs), waits for the writes they started, then stops the webhook sender.
 */
async function stop(server: Server, deps: AppDeps): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Open streams (/_mock/stream, inspector tabs) end now: they would hold the stop for its whole grace.
  deps.feed.close();
  // Keep-alive connections close as soon as their last answer is out.
  server.closeIdleConnections();
  const sweep = setInterval(() => server.closeIdleConnections(), 50);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, LIMITS.shutdownGraceMs)))]);
  clearTimeout(timer);
  clearInterval(sweep);
  server.closeAllConnections();
  await closed;
  await deps.store.settled();
  deps.dispatcher.close();
}
