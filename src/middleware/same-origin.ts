import type { MiddlewareHandler } from 'hono';
import { errors } from '../errors.js';

/**
 * The control plane refuses what a web page sends: browsers add `Origin` (and `Sec-Fetch-Site`)
 * to cross-site requests, even the "simple" ones CORS lets through without asking (a form
 * POST, `text/plain`). Same-origin pages (the bundled /docs) and non-browser clients pass.
 */
export function sameOriginOnly(): MiddlewareHandler {
  return async function refuseWebPages(c, next) {
    const origin = c.req.header('origin');
    const site = c.req.header('sec-fetch-site');
    let foreign = site === 'cross-site' || site === 'same-site';
    if (origin !== undefined && !foreign) {
      try {
        foreign = new URL(origin).host !== c.req.header('host');
      } catch {
        foreign = true; // `Origin: null` (sandboxed frames, file://) or garbage
      }
    }
    if (foreign) throw errors.crossOrigin(origin ?? `Sec-Fetch-Site: ${site}`);
    return next();
  };
}
