import { toIso } from '../clock.js';
import { errors } from '../errors.js';
import { getValidator } from '../openapi/validator.js';
import type { NewKey } from '../auth/keys.js';
import type { FaultRule } from '../middleware/faults.js';
import type { JournalQuery } from '../middleware/journal.js';
import type { Handler } from '../resources/actions.js';
import type { Rec } from '../store/types.js';
import type { AppDeps } from '../types.js';
import { VERSION } from '../version.js';

/** Back to the start: fixtures, default keys, empty journal, no faults, fresh windows, real time. */
export async function resetAll(deps: AppDeps): Promise<void> {
  deps.clock.reset();
  deps.journal.clear();
  deps.faults.clear();
  deps.limiter.reset();
  deps.dispatcher.clear();
  deps.oauth.reset();
  await deps.store.reset();
}

/** A spec-valid example of the resource an event is about (`ticket.created` → a Ticket). */
async function exampleOf(deps: AppDeps, event: string): Promise<Record<string, unknown>> {
  const resource = event.split('.')[0]!;
  const op = deps.operations.find((o) => o.id === `get${resource[0]!.toUpperCase()}${resource.slice(1)}`)!;
  const validator = await getValidator(deps.spec);
  return (validator.mock(op, 200) as { data: Record<string, unknown> }).data;
}

/** One workspace back to its fixtures (its keys stay valid); false if there is no such workspace. */
export async function resetWorkspace(deps: AppDeps, id: string): Promise<boolean> {
  if (!(await deps.store.resetWorkspace(id))) return false;
  deps.journal.clear(id);
  deps.dispatcher.clear(id);
  await deps.store.commit();
  return true;
}

/** Webhook deliveries with their attempts, newest first (of one workspace, or all in use). */
export async function listDeliveries(deps: AppDeps, workspaceId?: string): Promise<Rec[]> {
  return (await deps.store.loadedWorkspaces())
    .filter((ws) => !workspaceId || ws.id === workspaceId)
    .flatMap((ws) => ws.collections.deliveries.sorted('created_at', 'desc').records)
    .sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0));
}

function clockState(deps: AppDeps) {
  const now = deps.clock.now();
  return { data: { now: new Date(now).toISOString(), frozen: deps.clock.frozen, offset_ms: Math.round(now - Date.now()) } };
}

/** The /_mock control plane (described in openapi.yaml under "Mock control"). */
export function controlHandlers(deps: AppDeps): Record<string, Handler> {
  return {
    mockHealth: (c) =>
      c.json({ data: { status: 'ok', version: VERSION, uptime_ms: Math.max(0, Math.round(performance.now() - deps.startedAt)) } }),
    mockReset: async (c) => {
      const id = (c.get('input').body as { workspace_id?: string }).workspace_id;
      if (!id) await resetAll(deps);
      else if (!(await resetWorkspace(deps, id))) throw errors.notFound('workspace', id, 'workspace_id');
      return c.json({ data: { reset: true } });
    },
    mockListApiKeys: (c) => {
      const id = c.get('input').query.workspace_id;
      return c.json({ data: deps.keys.list().filter((k) => !id || k.workspace_id === id) });
    },
    mockCreateApiKey: async (c) => {
      const input = c.get('input').body as NewKey;
      if (input.workspace_id && !deps.store.workspace(input.workspace_id)) throw errors.validation('workspace_id', `No workspace with id '${input.workspace_id}' exists.`, 'invalid_reference');
      return c.json({ data: await deps.keys.create(input) }, 201);
    },
    mockRevokeApiKey: async (c) => {
      const id = c.get('input').params.id ?? '';
      if (!(await deps.keys.revoke(id))) throw errors.notFound('API key', id);
      return c.body(null, 204);
    },

    mockGetClock: (c) => c.json(clockState(deps)),
    mockSetClock: (c) => {
      const body = c.get('input').body as { now?: string; advance_ms?: number };
      if (body.now !== undefined) deps.clock.freeze(Date.parse(body.now));
      if (body.advance_ms !== undefined) deps.clock.advance(body.advance_ms);
      deps.logger.debug(`clock set to ${toIso(deps.clock.now())}`);
      return c.json(clockState(deps));
    },
    mockResetClock: (c) => {
      deps.clock.reset();
      return c.json(clockState(deps));
    },

    mockListFaults: (c) => c.json({ data: deps.faults.list() }),
    mockCreateFault: (c) => c.json({ data: deps.faults.add(c.get('input').body as FaultRule) }, 201),
    mockClearFaults: (c) => {
      deps.faults.clear();
      return c.body(null, 204);
    },
    mockDeleteFault: (c) => {
      const id = c.get('input').params.id ?? '';
      if (!deps.faults.remove(id)) throw errors.notFound('fault rule', id);
      return c.body(null, 204);
    },

    mockListDeliveries: async (c) => {
      const q = c.get('input').query as { event?: string[]; status?: string[]; webhook_id?: string; limit: number; workspace_id?: string };
      const all = await listDeliveries(deps, q.workspace_id);
      const data = all
        .filter((d) => (!q.event || q.event.includes(String(d.event))) && (!q.status || q.status.includes(String(d.status)))
          && (!q.webhook_id || d.webhook_id === q.webhook_id))
        .slice(0, q.limit);
      return c.json({ data });
    },
    mockFlushWebhooks: async (c) => {
      const body = c.get('input').body as { advance_clock?: boolean; timeout_ms?: number };
      const { timedOut } = await deps.dispatcher.flush({ advanceClock: body.advance_clock, timeoutMs: body.timeout_ms });
      const counts = deps.dispatcher.counts(await deps.store.loadedWorkspaces());
      return c.json({ data: { ...counts, timed_out: timedOut } });
    },
    mockFireEvent: async (c) => {
      const body = c.get('input').body as { event: string; data?: Record<string, unknown>; workspace_id?: string };
      const ws = await deps.store.workspace(body.workspace_id ?? deps.store.defaultWorkspaceId);
      if (!ws) throw errors.validation('workspace_id', `No workspace with id '${String(body.workspace_id)}' exists.`, 'invalid_reference');
      const data = body.data ?? (await exampleOf(deps, body.event));
      const fired = deps.dispatcher.enqueue(ws, body.event, data);
      await deps.store.commit();
      deps.dispatcher.kick();
      return c.json({ data: fired }, 201);
    },

    mockListRequests: (c) => c.json({ data: deps.journal.list(c.get('input').query as JournalQuery) }),
    mockClearRequests: (c) => {
      deps.journal.clear();
      return c.body(null, 204);
    },
  };
}
