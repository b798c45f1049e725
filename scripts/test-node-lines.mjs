// npm run test:lines — the vitest suite on each Node line `engines` declares besides the machine's own
// (NODE_LINES="22,24": the newest release of each, from the npm registry; see node-lines.mjs).
// Expects what `npm test` leaves: dist/ built and test/generated/ written. Arguments go to vitest.
import { spawnSync } from 'node:child_process';
import { envFor, NODE_LINES, nodeBin, nodeVersion } from './node-lines.mjs';

const root = new URL('..', import.meta.url).pathname;
for (const line of NODE_LINES) {
  const env = envFor(nodeBin(line));
  const version = nodeVersion(env);
  console.log(`\nlines: vitest on Node ${version}`);
  const t0 = performance.now();
  const res = spawnSync('npx', ['vitest', 'run', ...process.argv.slice(2)], { cwd: root, env, stdio: 'inherit' });
  if (res.status !== 0) {
    console.error(`lines: vitest failed on Node ${version} (exit ${res.status ?? res.signal})`);
    process.exit(res.status || 1);
  }
  console.log(`lines: vitest passed on Node ${version} in ${Math.round((performance.now() - t0) / 1000)} s`);
}
