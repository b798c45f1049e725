// node scripts/time-start.mjs — how long `npm start` takes from spawn to its first 200 (GET /v1/me with
// the default key), on a free port. Run it twice: the second run shows the start with nothing to rebuild.
import { spawn } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const t0 = performance.now();
const child = spawn('npm', ['start', '--', '--port', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
try {
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const m = /(http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code} before printing its URL:\n${out}`)));
  });
  const res = await fetch(`${url}/v1/me`, { headers: { authorization: 'Bearer sk_test_commflow' } });
  if (res.status !== 200) throw new Error(`/v1/me answered ${res.status}`);
  console.log(`npm start: first 200 after ${Math.round(performance.now() - t0)} ms`);
} finally {
  process.kill(-child.pid, 'SIGTERM');
  child.stdout.destroy();
}
