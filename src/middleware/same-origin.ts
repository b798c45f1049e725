import type { MiddlewareHandler } from 'hono';
import { errors } from '../errors.js';
import { isLoopbackHost } from '../loopback.js';

/**
 * The control plane refuses what a web page sends: browsers add `Origin` (and `Sec-Fetch-Site`)
 * to cross-site requests, even the "simple" ones CORS lets through without asking (a form
 * POST, `text/plain`), and a rebound DNS name shows in `Host`. Same-origin pages (the bundled
 * /docs) and non-browser clients pass.
 */
export function sameOriginOnly(listener: () => { host: string } | undefined): MiddlewareHandler {
  return async function refuseWebPages(c, next) {
    // Bound to loopback, the server is only ever called by that name or address: any other Host
    // is a page on another site reaching it through DNS rebinding.
    const bound = listener()?.host;
    const host = (c.req.header('host') ?? '').replace(/:\d+$/, '');
    if (bound && isLoopbackHost(bound) && !isLoopbackHost(host) && host !== bound) throw errors.crossOrigin(`Host: ${host || 'none'}`);
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
