import { errors } from '../errors.js';
import type { NewKey } from '../auth/keys.js';
import type { Handler } from '../resources/actions.js';
import type { AppDeps } from '../types.js';
import { VERSION } from '../version.js';

/** The /_mock control plane (described in openapi.yaml under "Mock control"). */
export function controlHandlers(deps: AppDeps): Record<string, Handler> {
  return {
    mockHealth: (c) =>
      c.json({ data: { status: 'ok', version: VERSION, uptime_ms: Math.max(0, Math.round(performance.now() - deps.startedAt)) } }),
    mockReset: async (c) => {
      await deps.store.reset();
      return c.json({ data: { reset: true } });
    },
    mockListApiKeys: (c) => c.json({ data: deps.keys.list() }),
    mockCreateApiKey: async (c) => c.json({ data: await deps.keys.create(c.get('input').body as NewKey) }, 201),
    mockRevokeApiKey: async (c) => {
      const id = c.get('input').params.id ?? '';
      if (!(await deps.keys.revoke(id))) throw errors.notFound('API key', id);
      return c.body(null, 204);
    },
  };
}
