// npm run bench: throughput and latency of the mock against a bare Hono baseline, in one run,
// each server in its own process on loopback; plus start-up time and peak RSS.
// The mock runs with --no-rate-limit (a load test is far over any plan's limit).
// Env: BENCH_DURATION (s per scenario, default 5), BENCH_CONNECTIONS (default 10),
//      BENCH_SCALES (comma list of --fixtures-scale values; "default" = bundled fixtures; default "default,100000").
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const SCALES = (process.env.BENCH_SCALES ?? 'default,100000').split(',').filter(Boolean);
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const AUTH = { authorization: 'Bearer sk_test_commflow' };

const children = new Set();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

function start(args) {
  const t0 = performance.now();
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(proc);
  proc.once('exit', () => children.delete(proc));
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (c) => {
      out += c;
      const m = /(http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) resolve({ proc, url: m[1], t0 });
    });
    proc.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}

async function firstOk(url, headers = {}) {
  for (;;) {
    try {
      const res = await fetch(url, { headers });
      if (res.status === 200) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 2));
  }
}

function peakRssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

function stop(proc) {
  return new Promise((resolve) => {
    proc.once('exit', resolve);
    proc.kill('SIGTERM');
  });
}

async function load(url, opts = {}) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, ...opts });
  return { rps: Math.round(result.requests.average), p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function startupTimes(args, runs) {
  const health = [];
  const me = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const { proc, url } = await start(args);
    await firstOk(`${url}/_mock/health`);
    health.push(performance.now() - t0);
    await firstOk(`${url}/v1/me`, AUTH);
    me.push(performance.now() - t0);
    await stop(proc);
  }
  return { health: Math.round(median(health)), me: Math.round(median(me)) };
}

const rows = [];
const baseline = await start([fileURLToPath(new URL('./baseline.mjs', import.meta.url))]);
await firstOk(`${baseline.url}/`);
await load(`${baseline.url}/`, { duration: 1 });
const base = await load(`${baseline.url}/`);
rows.push(['baseline: bare Hono GET /', '-', base]);
await stop(baseline.proc);

const summary = [];
for (const scale of SCALES) {
  const args = [CLI, '--port', '0', '--log-level', 'silent', '--no-rate-limit', ...(scale === 'default' ? [] : ['--fixtures-scale', scale])];
  const startup = await startupTimes(args, scale === 'default' ? 5 : 1);
  const mock = await start(args);
  await firstOk(`${mock.url}/v1/tickets?status=open&q=billing`, AUTH);
  const scenarios = [
    ['GET one ticket', '/v1/tickets/ticket_123'],
    ['list 25 tickets status=open', '/v1/tickets?status=open'],
    ['list tickets q=billing', '/v1/tickets?q=billing'],
    ['list tickets status=open&priority=urgent&q=billing', '/v1/tickets?status=open&priority=urgent&q=billing'],
  ];
  for (const [name, path] of scenarios) {
    await load(`${mock.url}${path}`, { headers: AUTH, duration: 1 });
    rows.push([name, scale, await load(`${mock.url}${path}`, { headers: AUTH })]);
  }
  rows.push([
    'POST a ticket',
    scale,
    await load(`${mock.url}/v1/tickets`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ subject: 'Bench ticket', priority: 'high' }),
    }),
  ]);
  summary.push({ scale, startup, rssMb: peakRssMb(mock.proc.pid) });
  await stop(mock.proc);
}

// Webhook delivery latency: tickets created at a steady rate, time from sending the POST to the
// signed delivery arriving at a local receiver.
const RATE = Number(process.env.BENCH_WEBHOOK_RATE ?? 500);
const arrivals = new Map();
const rec = await start([fileURLToPath(new URL('./receiver.mjs', import.meta.url))]);
let pendingLine = '';
rec.proc.stdout.on('data', (chunk) => {
  const lines = (pendingLine + chunk).split('\n');
  pendingLine = lines.pop();
  for (const line of lines) {
    const [subject, at] = line.split(' ');
    if (at) arrivals.set(subject, Number(at));
  }
});
const hooked = await start([CLI, '--port', '0', '--log-level', 'silent', '--no-rate-limit', '--webhook', rec.url]);
await firstOk(`${hooked.url}/v1/me`, AUTH);
// Warm up: the first POST loads the validator and compiles the operation (lazy start-up).
for (let i = 0; i < 50; i++) {
  await fetch(`${hooked.url}/v1/tickets`, {
    method: 'POST',
    headers: { ...AUTH, 'content-type': 'application/json' },
    body: JSON.stringify({ subject: `warmup-${i}` }),
  });
}
const sent = new Map();
const total = RATE * DURATION;
const nowAbs = () => performance.timeOrigin + performance.now();
await new Promise((resolve) => {
  let i = 0;
  const t0 = performance.now();
  const tick = () => {
    const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * RATE) + 1);
    for (; i < due; i++) {
      const subject = `bench-${i}`;
      sent.set(subject, nowAbs());
      void fetch(`${hooked.url}/v1/tickets`, { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' }, body: JSON.stringify({ subject }) });
    }
    if (i < total) setTimeout(tick, 1);
    else resolve();
  };
  tick();
});
const settleBy = performance.now() + 10_000;
while ([...sent.keys()].some((k) => !arrivals.has(k)) && performance.now() < settleBy) await new Promise((r) => setTimeout(r, 20));
const latencies = [...sent]
  .filter(([k]) => arrivals.has(k))
  .map(([k, t]) => arrivals.get(k) - t)
  .sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]?.toFixed(1);
await stop(hooked.proc);
await stop(rec.proc);

const pad = (s, n) => String(s).padEnd(n);
console.log(`\nautocannon: ${CONNECTIONS} connections, ${DURATION}s per scenario, node ${process.version}\n`);
console.log(`| ${pad('scenario', 50)} | ${pad('fixtures', 8)} | req/s   | p50 ms | p99 ms | × baseline | non-2xx |`);
console.log(`|${'-'.repeat(52)}|${'-'.repeat(10)}|---------|--------|--------|------------|---------|`);
for (const [name, scale, r] of rows) {
  console.log(
    `| ${pad(name, 50)} | ${pad(scale, 8)} | ${pad(r.rps, 7)} | ${pad(r.p50, 6)} | ${pad(r.p99, 6)} | ${pad((r.rps / base.rps).toFixed(2), 10)} | ${pad(r.non2xx + r.errors, 7)} |`,
  );
}
console.log('\n| fixtures | spawn → first /_mock/health 200 | spawn → first /v1/me 200 | peak RSS |');
console.log('|----------|--------------------------------|-------------------------|----------|');
console.log('(median of 5 runs at the default fixtures; one run at larger scales, which generate their data at start)');
for (const s of summary) console.log(`| ${pad(s.scale, 8)} | ${pad(`${s.startup.health} ms`, 30)} | ${pad(`${s.startup.me} ms`, 23)} | ${s.rssMb} MB |`);
console.log(`\nwebhook delivery, POST /v1/tickets → signed delivery at a local receiver, ${RATE} events/s for ${DURATION}s:`);
console.log(`delivered ${latencies.length}/${total}, p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms`);
