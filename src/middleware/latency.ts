import type { MiddlewareHandler } from 'hono';
import { setTimeout as sleep } from 'node:timers/promises';

/** `--latency MS`: delays every response by a fixed time (real timer, not the mock clock). */
export function latency(ms: number): MiddlewareHandler {
  return async function addLatency(_c, next) {
    await next();
    if (ms > 0) await sleep(ms);
  };
}
