import type { Handler } from '../context.js';
import type { ArmRequest } from '../conformance/book.js';
import type { VerifyInput } from '../conformance/verify.js';
import type { AppDeps } from '../deps.js';
import { errors } from '../errors.js';

/** Request verification and the SDK conformance scenarios (src/conformance/, loaded on first use). */
export function conformanceRoutes(deps: AppDeps): Record<string, Handler> {
  return {
    mockVerifyRequests: async (c) => {
      const { verifyInWorkspace } = await import('../conformance/verify.js');
      return c.json({ data: verifyInWorkspace(deps.journal, deps.store, c.get('input').body as VerifyInput) });
    },
    mockListScenarios: async (c) => {
      const { SCENARIOS } = await import('../conformance/catalogue.js');
      return c.json({ data: SCENARIOS.map(({ waiting: _w, ...s }) => s) });
    },
    mockArmScenario: async (c) => {
      const book = await deps.scenarios.book();
      return c.json({ data: await book.arm(c.get('input').body as unknown as ArmRequest) }, 201);
    },
    mockGetScenario: async (c) => {
      const id = c.get('input').params.id ?? '';
      const view = (await deps.scenarios.book()).view(id);
      if (!view) throw errors.notFound('scenario', id);
      return c.json({ data: view });
    },
  };
}
