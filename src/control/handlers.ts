import { toIso } from '../clock.js';
import { errors } from '../errors.js';
import type { NewKey } from '../auth/keys.js';
import type { FaultRule } from '../middleware/faults.js';
import type { JournalQuery } from '../middleware/journal.js';
import type { Handler } from '../resources/actions.js';
import type { AppDeps } from '../types.js';
import { VERSION } from '../version.js';

/** Back to the start: fixtures, default keys, empty journal, no faults, fresh windows, real time. */
export async function resetAll(deps: AppDeps): Promise<void> {
  deps.clock.reset();
  deps.journal.clear();
  deps.faults.clear();
  deps.limiter.reset();
  await deps.store.reset();
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
      await resetAll(deps);
      return c.json({ data: { reset: true } });
    },
    mockListApiKeys: (c) => c.json({ data: deps.keys.list() }),
    mockCreateApiKey: async (c) => c.json({ data: await deps.keys.create(c.get('input').body as NewKey) }, 201),
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

    mockListRequests: (c) => c.json({ data: deps.journal.list(c.get('input').query as JournalQuery) }),
    mockClearRequests: (c) => {
      deps.journal.clear();
      return c.body(null, 204);
    },
  };
}
