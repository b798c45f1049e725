// npm run test:docker — no Docker engine here, so this performs the Dockerfile's steps itself:
// each stage in a clean temp dir (its "/"), COPY from the repository or an earlier stage, RUN
// with the stage's ENV and WORKDIR, then the final stage's CMD with its ENV (on a free port),
// polled with the HEALTHCHECK command until healthy, then stopped with SIGTERM (must exit 0).
import { execSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const repo = new URL('..', import.meta.url).pathname;
const text = readFileSync(join(repo, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
const lines = text
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

const stages = [];
let stage;
for (const line of lines) {
  const [op, ...rest] = line.split(/\s+/);
  const arg = line.slice(op.length).trim();
  switch (op.toUpperCase()) {
    case 'FROM': {
      const name = /\sAS\s+(\S+)/i.exec(line)?.[1];
      stage = { name, root: mkdtempSync(join(tmpdir(), 'docker-stage-')), workdir: '/', env: { PATH: process.env.PATH, HOME: tmpdir() } };
      stages.push(stage);
      console.log(`FROM ${rest[0]} → ${stage.root}`);
      break;
    }
    case 'WORKDIR':
      stage.workdir = arg;
      mkdirSync(join(stage.root, arg), { recursive: true });
      break;
    case 'ENV':
      for (const m of arg.matchAll(/(\w+)=("[^"]*"|\S+)/g)) stage.env[m[1]] = m[2].replace(/^"|"$/g, '');
      break;
    case 'COPY': {
      const from = /--from=(\S+)/.exec(arg)?.[1];
      const parts = arg.replace(/--from=\S+\s*/, '').split(/\s+/);
      const dest = parts.pop();
      const base = from ? stages.find((s) => s.name === from).root : repo;
      for (const src of parts) {
        const target = join(stage.root, dest.startsWith('/') ? dest : join(stage.workdir, dest), dest.endsWith('/') ? src.split('/').pop() : '');
        const source = from ? join(base, src) : join(base, src);
        mkdirSync(dirname(target), { recursive: true });
        cpSync(source, parts.length > 1 || dest.endsWith('/') ? join(stage.root, stage.workdir, dest, src.split('/').pop()) : target, { recursive: true });
      }
      break;
    }
    case 'RUN':
      console.log(`RUN ${arg}`);
      execSync(arg, { cwd: join(stage.root, stage.workdir), env: stage.env, stdio: ['ignore', 'ignore', 'inherit'] });
      break;
    case 'HEALTHCHECK':
      stage.health = JSON.parse(arg.slice(arg.indexOf('CMD') + 3).trim());
      break;
    case 'CMD':
      stage.cmd = JSON.parse(arg);
      break;
    default:
      break;
  }
}

const final = stages.at(-1);
const port = await new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port: p } = s.address();
    s.close(() => resolve(p));
  });
});
const env = { ...final.env, COMMFLOW_MOCK_PORT: String(port) };
const cwd = join(final.root, final.workdir);
console.log(`CMD ${final.cmd.join(' ')} (port ${port})`);
const server = spawn(final.cmd[0], final.cmd.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'inherit'] });
let healthy = false;
for (let i = 0; i < 50 && !healthy; i++) {
  await new Promise((r) => setTimeout(r, 100));
  healthy = spawnSync(final.health[0], final.health.slice(1), { cwd, env }).status === 0;
}
if (!healthy) {
  server.kill('SIGKILL');
  throw new Error('HEALTHCHECK never passed');
}
const banner = await new Promise((r) => {
  let out = '';
  server.stdout.on('data', (c) => (out += c));
  setTimeout(() => r(out), 100);
});
const exit = await new Promise((resolve) => {
  server.once('exit', (code) => resolve(code));
  server.kill('SIGTERM');
});
if (exit !== 0) throw new Error(`SIGTERM: the server exited with ${exit}`);
if (!banner.includes('0.0.0.0') && !banner.includes('127.0.0.1')) throw new Error(`unexpected banner: ${banner}`);
console.log('docker steps: ok — built in two stages, healthy, exited 0 on SIGTERM');
