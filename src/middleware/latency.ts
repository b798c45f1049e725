import type { MiddlewareHandler } from 'hono';
import type { Sleep } from '../clock.js';

/** `--latency MS`: delays every response by a fixed time (real timer, not the mock clock). */
export function latency(ms: number, sleep: Sleep): MiddlewareHandler {
  return async function addLatency(_c, next) {
    await next();
    if (ms > 0) await sleep(ms);
  };
}
