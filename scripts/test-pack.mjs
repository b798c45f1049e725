// npm run test:pack — what `npx commflow-mock` users get. The tarball is packed from a clean copy of the
// tree (no dist/: prepack must build it), then on the lowest version of each Node line `engines` declares
// (22.19.0 and 24.0.0 for "^22.19.0 || >=24", from the npm registry) it is installed with --engine-strict
// into an empty directory, `require` and `import` of the package are checked, and `npx commflow-mock
// --port 0` must answer /v1/me with the default key and serve the inspector (/_mock/ui and its script). The machine's own Node does the same without
// --engine-strict. PACK_NODE_VERSIONS="22,24" (majors or versions) tests others instead.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engineMinimums, envFor, nodeBin, nodeVersion } from './node-lines.mjs';
import { packCleanTree } from './pack-clean.mjs';

const dest = mkdtempSync(join(tmpdir(), 'commflow-pack-'));
const run = (cmd, args, cwd, env) => execFileSync(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

const packed = packCleanTree(dest);
rmSync(packed.tree, { recursive: true, force: true });
const forbidden = packed.files
  .map((f) => f.path)
  .filter((p) => /^(src|test|bench|scripts|node_modules)\//.test(p) || (p.endsWith('.ts') && !p.endsWith('.d.ts')));
if (forbidden.length) throw new Error(`the tarball holds files that do not run: ${forbidden.join(', ')}`);

const size = (p) => (statSync(p).isDirectory() ? readdirSync(p).reduce((n, f) => n + size(join(p, f)), 0) : statSync(p).size);
const mb = (n) => `${(n / 1024 / 1024).toFixed(1)} MB`;

// What a CommonJS and an ES module consumer each get from the package's two entry points.
const CONSUMERS = {
  require: `const m = require('commflow-mock'); const v = require('commflow-mock/vitest');
    if (typeof m.createMockServer !== 'function' || typeof m.verifyWebhook !== 'function' || typeof v.commflowWorkspace !== 'function') throw new Error(Object.keys(m).join());`,
  import: `const m = await import('commflow-mock'); const v = await import('commflow-mock/vitest');
    if (typeof m.createMockServer !== 'function' || typeof v.commflowGlobalSetup !== 'function') throw new Error(Object.keys(m).join());`,
};

async function check(bin) {
  const env = envFor(bin);
  const version = nodeVersion(env);
  const dir = mkdtempSync(join(dest, 'consumer-'));
  run('npm', ['init', '-y'], dir, env);
  run('npm', ['install', '--no-audit', '--no-fund', ...(bin ? ['--engine-strict'] : []), packed.path], dir, env);
  run('node', ['-e', CONSUMERS.require], dir, env);
  run('node', ['--input-type=module', '-e', CONSUMERS.import], dir, env);

  // Its own process group, so stopping npx stops the server it started too.
  const server = spawn('npx', ['commflow-mock', '--port', '0', '--log-level', 'silent'], {
    cwd: dir,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  try {
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('npx commflow-mock did not print its URL within 30 s')), 30_000);
      server.stdout.on('data', (c) => {
        const m = /(http:\/\/[\d.]+:\d+)/.exec(String(c));
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      server.once('exit', (code) => reject(new Error(`npx commflow-mock exited with ${code}`)));
    });
    const res = await fetch(`${url}/v1/me`, { headers: { authorization: 'Bearer sk_test_commflow' } });
    const body = await res.json();
    if (res.status !== 200 || body.data?.id !== 'user_123') throw new Error(`/v1/me answered ${res.status}: ${JSON.stringify(body)}`);
    // The inspector's page and its files ship in dist/ (its assets are copied there by the build).
    const page = await (await fetch(`${url}/_mock/ui`)).text();
    const script = /src="(\/_mock\/ui\/assets\/[^"]+\/main\.js)"/.exec(page)?.[1];
    const served = script && (await fetch(`${url}${script}`)).status;
    if (served !== 200) throw new Error(`/_mock/ui did not serve its script (${script ?? 'none named'}: ${served})`);
  } finally {
    process.kill(-server.pid, 'SIGTERM');
    server.stdout.destroy();
  }
  console.log(
    `pack: ok on Node ${version}${bin ? ' (--engine-strict)' : ''} — installed with dependencies: ${mb(size(join(dir, 'node_modules')))};` +
      ' require and import work; npx commflow-mock answered /v1/me and served the inspector',
  );
}

console.log(
  `pack: ${packed.filename} (built by prepack from a clean copy): ${mb(packed.size)} packed, ${mb(packed.unpackedSize)} unpacked, ${packed.entryCount} files`,
);
await check(undefined);
const versions = process.env.PACK_NODE_VERSIONS?.split(',').filter(Boolean) ?? engineMinimums();
for (const v of versions) await check(nodeBin(v));
rmSync(dest, { recursive: true, force: true });
