import type { Hono } from 'hono';
import type { AppEnv, Handler } from '../context.js';
import type { AppDeps } from '../deps.js';
import { errors } from '../errors.js';
import type { JournalEnv } from '../middleware/journal.js';
import { summarize } from '../middleware/journal-log.js';
import { VERSION } from '../version.js';

/** Who may frame, load and call what: the page's own files and endpoints only. */
const PAGE_HEADERS = {
  'cache-control': 'no-cache',
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

type Bundle = import('../inspector/assets.js').Bundle;
type ClientSocket = import('../inspector/stream.js').ClientSocket;

/**
 * The inspector (/_mock/ui, its files, /_mock/stream) and the control endpoints it needs that
 * a test can call too: one journal entry, replay, redeliver, verify, stats, rate-limit windows.
 * Everything under src/inspector/ is imported on first use: a start, and /v1, never load it.
 * `dispatch` sends a request through the whole app (a replay).
 */
export function inspectorRoutes(deps: AppDeps, dispatch: (req: Request, env: JournalEnv) => Promise<Response>) {
  let bundle: Promise<Bundle> | undefined;
  const loadBundle = (): Promise<Bundle> =>
    (bundle ??= import('../inspector/assets.js')
      .then((m) => m.buildBundle(deps.spec, VERSION))
      .catch((err: unknown) => {
        bundle = undefined; // a failed read is not kept: the next request tries again
        throw err;
      }));
  const assets = () => import('../inspector/assets.js');

  const handlers: Record<string, Handler> = {
    mockUi: async (c) => {
      const [b, { answer }] = await Promise.all([loadBundle(), assets()]);
      return answer(b.page, c.req.header('accept-encoding'), c.req.header('if-none-match'), PAGE_HEADERS);
    },
    mockStream: async (c) => {
      const { openStream, STREAM_HEADERS } = await import('../inspector/stream.js');
      // HEAD is answered from the GET route, and its body dropped unread: no stream is opened for it.
      if (c.req.method === 'HEAD') return new Response(null, { status: 200, headers: STREAM_HEADERS });
      const q = c.get('input').query as import('../inspector/stream.js').StreamQuery;
      const socket = (c.env as { incoming?: { socket?: ClientSocket } } | undefined)?.incoming?.socket;
      const history = (n: number, workspaceId?: string) =>
        deps.journal
          .newest(n, workspaceId)
          .reverse()
          .map((raw) => ({ type: 'request' as const, workspaceId: raw.workspace, data: () => summarize(raw) }));
      return openStream(deps.feed, deps.clock, VERSION, q, undefined, socket ? { socket } : undefined, history);
    },
    mockGetRequest: (c) => {
      const id = c.get('input').params.id ?? '';
      const entry = deps.journal.entry(id);
      if (!entry) throw errors.notFound('journal entry', id);
      return c.json({ data: entry });
    },
    mockReplayRequest: async (c) => {
      const { replay } = await import('../inspector/replay.js');
      return c.json({ data: await replay(deps.journal, c.get('input').params.id ?? '', dispatch) });
    },
    mockRedeliverWebhook: async (c) => {
      const { redeliver } = await import('../inspector/deliveries.js');
      const input = c.get('input');
      return c.json({ data: await redeliver(deps, input.params.id ?? '', input.query.workspace_id as string | undefined) }, 201);
    },
    mockVerifyWebhook: async (c) => {
      const { verifyDelivery } = await import('../inspector/deliveries.js');
      const input = c.get('input');
      const { secret } = input.body as { secret: string };
      return c.json({ data: await verifyDelivery(deps, input.params.id ?? '', secret, input.query.workspace_id as string | undefined) });
    },
    mockStats: async (c) => {
      const { sandboxStats } = await import('../inspector/stats.js');
      return c.json({ data: await sandboxStats(deps) });
    },
    mockListWebhooks: async (c) => {
      const { subscriptions } = await import('../inspector/stats.js');
      return c.json({ data: await subscriptions(deps, c.get('input').query.workspace_id as string | undefined) });
    },
    mockListRateLimits: async (c) => {
      const { rateWindows } = await import('../inspector/stats.js');
      return c.json({ data: rateWindows(deps, c.get('input').query.workspace_id as string | undefined) });
    },
  };

  /** The page's style sheet and scripts, under the hash of them all (not API: like /docs's files, outside the spec). */
  const registerAssets = (app: Hono<AppEnv>) => {
    app.get('/_mock/ui/assets/:hash/:file', async (c) => {
      const [b, { answer }] = await Promise.all([loadBundle(), assets()]);
      const file = b.hash === c.req.param('hash') ? b.files.get(c.req.param('file')) : undefined;
      if (!file) throw errors.routeNotFound('GET', c.req.path);
      return answer(file, c.req.header('accept-encoding'), c.req.header('if-none-match'), { 'cache-control': 'public, max-age=31536000, immutable' });
    });
  };
  return { handlers, registerAssets };
}
