// `node --import ./log-loads.mjs`: prints every module the process loads from dist/inspector/ or
// hono/jsx (a test checks that a start and /v1 requests load none of the inspector).
import { register } from 'node:module';

const hooks = `
export async function load(url, context, next) {
  if (url.includes('/dist/inspector/') || url.includes('/hono/dist/jsx/')) process.stderr.write('loaded ' + url + '\\n');
  return next(url, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
