import type { NewKey } from '../auth/keys.js';
import { CLOCK_RANGE, inClockRange, parseInstant, toIso } from '../clock.js';
import type { Handler } from '../context.js';
import { listDeliveries, resetAll, resetWorkspace } from '../control.js';
import type { AppDeps } from '../deps.js';
import { errors } from '../errors.js';
import type { FaultRule } from '../middleware/fault-rules.js';
import type { JournalQuery } from '../middleware/journal-log.js';
import { VERSION } from '../version.js';
import { readOperationOf } from '../webhooks/events.js';

/** A spec-valid example of the resource an event is about (`ticket.created` → a Ticket). */
async function exampleOf(deps: AppDeps, event: string): Promise<Record<string, unknown>> {
  const op = readOperationOf(deps.operations, event);
  if (!op) return {};
  return ((await deps.validator()).mock(op, 200) as { data: Record<string, unknown> }).data;
}

function clockState(deps: AppDeps) {
  const now = deps.clock.now();
  return { data: { now: new Date(now).toISOString(), frozen: deps.clock.frozen, offset_ms: Math.round(deps.clock.offsetMs()) } };
}

/** The /_mock control plane (described in openapi.yaml under "Mock control"): health, reset, keys, clock, faults, webhooks, journal, OAuth clients. */
export function controlRoutes(deps: AppDeps): Record<string, Handler> {
  return {
    mockHealth: (c) => c.json({ data: { status: 'ok', version: VERSION, uptime_ms: Math.max(0, Math.round(performance.now() - deps.startedAt)) } }),
    mockReset: async (c) => {
      const id = (c.get('input').body as { workspace_id?: string }).workspace_id;
      if (id === undefined) await resetAll(deps);
      else if (!(await resetWorkspace(deps, id))) throw errors.notFound('workspace', id, 'workspace_id');
      return c.json({ data: { reset: true } });
    },
    mockListApiKeys: (c) => {
      const id = c.get('input').query.workspace_id;
      return c.json({ data: deps.keys.list().filter((k) => id === undefined || k.workspace_id === id) });
    },
    mockCreateApiKey: async (c) => {
      const input = c.get('input').body as NewKey;
      const created = await deps.store.transaction(() => {
        if (input.workspace_id !== undefined && !deps.store.has(input.workspace_id)) throw errors.unknownWorkspace(input.workspace_id);
        return deps.keys.create(input);
      });
      return c.json({ data: created }, 201);
    },
    mockRevokeApiKey: async (c) => {
      const id = c.get('input').params.id ?? '';
      if (!(await deps.store.transaction(() => deps.keys.revoke(id)))) throw errors.notFound('API key', id);
      return c.body(null, 204);
    },

    mockGetClock: (c) => c.json(clockState(deps)),
    mockSetClock: (c) => {
      const body = c.get('input').body as { now?: string; advance_ms?: number };
      const at = body.now === undefined ? undefined : parseInstant(body.now);
      if (at !== undefined && !inClockRange(at)) throw errors.validation('now', `The 'now' field is out of range: ${CLOCK_RANGE}.`);
      if (body.advance_ms !== undefined && !inClockRange((at ?? deps.clock.now()) + body.advance_ms)) {
        throw errors.validation('advance_ms', `The 'advance_ms' field would move the clock out of range: ${CLOCK_RANGE}.`);
      }
      if (at !== undefined) deps.clock.freeze(at);
      if (body.advance_ms !== undefined) deps.clock.advance(body.advance_ms);
      deps.logger.debug(`clock set to ${toIso(deps.clock.now())}`);
      return c.json(clockState(deps));
    },
    mockResetClock: (c) => {
      deps.clock.reset();
      return c.json(clockState(deps));
    },

    mockListFaults: (c) => c.json({ data: deps.faults.list() }),
    mockCreateFault: (c) => {
      const rule = c.get('input').body as FaultRule;
      if (rule.workspace_id !== undefined && !deps.store.has(rule.workspace_id)) throw errors.unknownWorkspace(rule.workspace_id);
      return c.json({ data: deps.faults.add(rule) }, 201);
    },
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
      const data = await listDeliveries(
        deps,
        q.workspace_id,
        (d) =>
          (!q.event || q.event.includes(String(d.event))) &&
          (!q.status || q.status.includes(String(d.status))) &&
          (q.webhook_id === undefined || d.webhook_id === q.webhook_id),
        q.limit,
      );
      return c.json({ data });
    },
    mockFlushWebhooks: async (c) => {
      const body = c.get('input').body as { advance_clock?: boolean; timeout_ms?: number };
      const { timedOut } = await deps.dispatcher.flush({ advanceClock: body.advance_clock, timeoutMs: body.timeout_ms });
      const counts = deps.dispatcher.counts(deps.store.loadedWorkspaces());
      return c.json({ data: { ...counts, timed_out: timedOut } });
    },
    mockFireEvent: async (c) => {
      const body = c.get('input').body as { event: string; data?: Record<string, unknown>; workspace_id?: string };
      const id = body.workspace_id ?? deps.store.defaultWorkspaceId;
      if (!deps.store.has(id) || !(await deps.store.workspace(id))) throw errors.unknownWorkspace(id);
      const data = body.data ?? (await exampleOf(deps, body.event));
      const fired = await deps.store.transaction(() => {
        const ws = deps.store.current(id);
        if (!ws) throw errors.unknownWorkspace(id);
        return deps.dispatcher.enqueue(ws, body.event, data);
      });
      deps.dispatcher.kick();
      return c.json({ data: fired }, 201);
    },

    mockCreateOAuthClient: (c) => {
      const body = c.get('input').body as { name?: string; redirect_uris: string[]; public?: boolean; workspace_id?: string };
      const workspace = body.workspace_id ?? deps.store.defaultWorkspaceId;
      if (!deps.store.has(workspace)) throw errors.unknownWorkspace(workspace);
      return c.json({ data: deps.oauth.createClient({ ...body, workspace_id: workspace }) }, 201);
    },
    mockListOAuthClients: (c) => c.json({ data: deps.oauth.listClients() }),

    mockListRequests: (c) => c.json({ data: deps.journal.list(c.get('input').query as JournalQuery) }),
    mockClearRequests: (c) => {
      deps.journal.clear();
      return c.body(null, 204);
    },
  };
}
