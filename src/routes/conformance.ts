import type { Handler } from '../context.js';
import type { VerifyInput } from '../conformance/verify.js';
import type { AppDeps } from '../deps.js';

/** Request verification (src/conformance/, loaded on first use). */
export function conformanceRoutes(deps: AppDeps): Record<string, Handler> {
  return {
    mockVerifyRequests: async (c) => {
      const { verifyInWorkspace } = await import('../conformance/verify.js');
      return c.json({ data: verifyInWorkspace(deps.journal, deps.store, c.get('input').body as VerifyInput) });
    },
  };
}
