import type { Context, MiddlewareHandler, Next } from 'hono';
import { step } from './steps.js';
import type { Sleep } from '../clock.js';
import type { AppEnv } from '../context.js';
import { errors, type ErrorType } from '../errors.js';
import type { FaultRules } from './fault-rules.js';

/**
 * Applies the first matching fault rule: waits, drops the connection, or throws an error in
 * the envelope. With no rule it costs one size check. `global` rules run before authentication
 * on every /v1 and /oauth request; `scoped` ones (with a workspace) after it, on the requests
 * authenticated into their workspace. The rule applied is noted for the journal.
 */
export function injectFaults(rules: FaultRules, sleep: Sleep, kind: 'global' | 'scoped' = 'global'): MiddlewareHandler<AppEnv> {
  const apply = async (c: Context<AppEnv>, next: Next, workspace: string | undefined) => {
    const fault = await rules.take(c.req.method, c.req.path, workspace);
    if (!fault) return next();
    c.set('fault', fault.id);
    if (fault.latency_ms) await sleep(fault.latency_ms);
    if (fault.drop_connection) {
      const socket = (c.env as { incoming?: { socket?: { destroy(): void } } } | undefined)?.incoming?.socket;
      if (socket) {
        socket.destroy();
        return c.body(null, 500);
      }
      throw new TypeError(`Connection dropped by fault rule ${fault.id}.`);
    }
    if (fault.status !== null) {
      throw errors.simulated(
        fault.status,
        `Injected by fault rule ${fault.id}.`,
        (fault.error_type ?? undefined) as ErrorType | undefined,
        fault.retry_after ?? undefined,
      );
    }
    return next();
  };
  return step(function applyFault(c, next) {
    if (rules.sizeOf(kind) === 0) return next();
    const workspace = kind === 'scoped' ? c.get('principal')?.workspaceId : undefined;
    if (kind === 'scoped' && workspace === undefined) return next();
    return apply(c, next, workspace);
  });
}
