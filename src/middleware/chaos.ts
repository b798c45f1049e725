import type { MiddlewareHandler } from 'hono';
import type { Spec } from '../openapi/spec.js';
import type { AppEnv } from '../types.js';
import { applyFault, type FaultRules } from './faults.js';
import { applyPrefer } from './prefer.js';

/**
 * Errors and delays on demand, in one step: fault rules first, then the Prefer header.
 * With no rule and no Prefer header it costs one size check and one header lookup.
 */
export function chaos(rules: FaultRules, spec: Spec): MiddlewareHandler<AppEnv> {
  return async function applyChaos(c, next) {
    const fromFault = rules.size > 0 ? await applyFault(rules, c) : undefined;
    if (fromFault) return fromFault;
    const prefer = c.req.header('prefer');
    const preferred = prefer ? await applyPrefer(prefer, spec, c) : undefined;
    return preferred ?? next();
  };
}
