// npm run test:pack — what `npx commflow-mock` users get: pack the tarball, install it into an
// empty directory, start it with npx on a free port and call /v1/me with the default key.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'commflow-pack-'));
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', dir], root))[0];
const forbidden = packed.files
  .map((f) => f.path)
  .filter((p) => /^(src|test|bench|scripts|node_modules)\//.test(p) || (p.endsWith('.ts') && !p.endsWith('.d.ts')));
if (forbidden.length) throw new Error(`the tarball holds files that do not run: ${forbidden.join(', ')}`);
run('npm', ['init', '-y'], dir);
run('npm', ['install', '--no-audit', '--no-fund', join(dir, packed.filename)], dir);

const size = (p) => (statSync(p).isDirectory() ? readdirSync(p).reduce((n, f) => n + size(join(p, f)), 0) : statSync(p).size);
const mb = (n) => `${(n / 1024 / 1024).toFixed(1)} MB`;

// Its own process group, so stopping npx stops the server it started too.
const server = spawn('npx', ['commflow-mock', '--port', '0', '--log-level', 'silent'], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
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
try {
  const res = await fetch(`${url}/v1/me`, { headers: { authorization: 'Bearer sk_test_commflow' } });
  const body = await res.json();
  if (res.status !== 200 || body.data?.id !== 'user_123') throw new Error(`/v1/me answered ${res.status}: ${JSON.stringify(body)}`);
  console.log(
    `pack: ok — ${packed.filename}: ${mb(packed.size)} packed, ${mb(packed.unpackedSize)} unpacked, ${packed.entryCount} files;` +
      ` installed with dependencies: ${mb(size(join(dir, 'node_modules')))}; npx commflow-mock answered /v1/me`,
  );
} finally {
  process.kill(-server.pid, 'SIGTERM');
  server.stdout.destroy();
}
