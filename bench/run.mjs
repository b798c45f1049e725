// npm run bench: throughput and latency of the mock, each scenario against its own ceiling measured
// in the same run (bare Hono answering the same request with the same bytes: see baseline.mjs),
// each server in its own process on loopback; plus start-up time against bare Hono's, peak RSS and
// webhook delivery latency. Prints ratios first, and writes the run to bench/results/<date>-<commit>.json.
// The mock runs with --no-rate-limit (a load test is far over any plan's limit).
// Env: BENCH_DURATION (s per scenario, default 5), BENCH_CONNECTIONS (default 10),
//      BENCH_SCALES (comma list of --fixtures-scale values; "default" = bundled fixtures; default "default,100000").
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
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

function start(args, ready = /(http:\/\/[\d.]+:\d+)/) {
  const t0 = performance.now();
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(proc);
  proc.once('exit', () => children.delete(proc));
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (c) => {
      out += c;
      const m = ready.exec(out);
      if (m) resolve({ proc, url: m[1], t0, output: () => out });
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

/** Median time from spawn to the first 200 of each URL path given, over `runs` starts. */
async function startupTimes(args, paths, runs) {
  const times = paths.map(() => []);
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const { proc, url } = await start(args);
    for (const [j, path] of paths.entries()) {
      await firstOk(`${url}${path}`, path.startsWith('/v1') ? AUTH : {});
      times[j].push(performance.now() - t0);
    }
    await stop(proc);
  }
  return times.map((t) => Math.round(median(t)));
}

const BASELINE = fileURLToPath(new URL('./baseline.mjs', import.meta.url));
const SCENARIOS = [
  ['GET one ticket', 'GET', '/v1/tickets/ticket_123'],
  ['list 25 tickets status=open', 'GET', '/v1/tickets?status=open'],
  ['list tickets q=billing', 'GET', '/v1/tickets?q=billing'],
  ['list tickets status=open&priority=urgent&q=billing', 'GET', '/v1/tickets?status=open&priority=urgent&q=billing'],
  ['POST a ticket', 'POST', '/v1/tickets', JSON.stringify({ subject: 'Bench ticket', priority: 'high' })],
];
const requestOf = (method, body) => ({
  method,
  headers: body ? { ...AUTH, 'content-type': 'application/json' } : AUTH,
  ...(body ? { body } : {}),
});

/** What the mock answers each scenario's request: the bytes its ceiling will serve. */
async function captureAnswers(url) {
  const answers = [];
  for (const [, method, path, body] of SCENARIOS) {
    const res = await fetch(`${url}${path}`, requestOf(method, body));
    answers.push({ method, path, status: res.status, contentType: res.headers.get('content-type'), body: await res.text() });
  }
  const file = join(mkdtempSync(join(tmpdir(), 'cfm-bench-')), 'answers.json');
  writeFileSync(file, JSON.stringify(answers));
  return file;
}

const rows = [];
const hello = await start([BASELINE]);
await firstOk(`${hello.url}/`);
await load(`${hello.url}/`, { duration: 1 });
const base = await load(`${hello.url}/`);
await stop(hello.proc);
const [baselineStart] = await startupTimes([BASELINE], ['/'], 5);

/**
 * The cost of one open inspector: the same scenario without and with a stream consumer (in its own
 * process, parsing every event), alternated twice in the same run, on the same server. The consumer
 * reads what the page asks for (`max_rate=100`), then, for a script, every event.
 */
const STREAMED = ['GET one ticket', 'POST a ticket'];
const READERS = [
  ['the inspector page', 'max_rate=100'],
  ['a script, every event', ''],
];
const CONSUMER = fileURLToPath(new URL('./stream-consumer.mjs', import.meta.url));
async function withInspector(url) {
  const out = [];
  for (const [name, method, path, body] of SCENARIOS.filter(([n]) => STREAMED.includes(n))) {
    for (const [reader, query] of READERS) out.push({ reader, ...(await alternated(url, name, requestOf(method, body), path, query)) });
  }
  return out;
}

async function alternated(url, name, opts, path, query) {
  {
    const runs = { without: [], with: [] };
    let events = {};
    for (let round = 0; round < 2; round++) {
      runs.without.push(await load(`${url}${path}`, opts));
      const consumer = await start([CONSUMER, url, query], /^(ready)$/m);
      runs.with.push(await load(`${url}${path}`, opts));
      const counted = new Promise((resolve) => consumer.proc.stdout.on('data', (c) => /^\{/m.test(String(c)) && resolve(String(c))));
      consumer.proc.kill('SIGTERM');
      events = JSON.parse((await counted).trim().split('\n').at(-1));
    }
    const avg = (rs) => Math.round(rs.reduce((n, r) => n + r.rps, 0) / rs.length);
    return { name, without: avg(runs.without), with: avg(runs.with), p99With: Math.max(...runs.with.map((r) => r.p99)), events };
  }
}

const inspector = [];
const summary = [];
for (const scale of SCALES) {
  const args = [CLI, '--port', '0', '--log-level', 'silent', '--no-rate-limit', ...(scale === 'default' ? [] : ['--fixtures-scale', scale])];
  const [health, me] = await startupTimes(args, ['/_mock/health', '/v1/me'], scale === 'default' ? 5 : 1);
  const mock = await start(args);
  await firstOk(`${mock.url}/v1/tickets?status=open&q=billing`, AUTH);
  const ceiling = await start([BASELINE, await captureAnswers(mock.url)]);
  await firstOk(`${ceiling.url}/`);
  for (const [name, method, path, body] of SCENARIOS) {
    const opts = requestOf(method, body);
    // Warm both, then measure the ceiling and the mock back to back.
    await load(`${ceiling.url}${path}`, { ...opts, duration: 1 });
    await load(`${mock.url}${path}`, { ...opts, duration: 1 });
    const top = await load(`${ceiling.url}${path}`, opts);
    rows.push({ name, scale, mock: await load(`${mock.url}${path}`, opts), ceiling: top });
  }
  // Peak RSS of the scenarios above; the inspector's runs below add tens of thousands of tickets.
  const rssMb = peakRssMb(mock.proc.pid);
  if (scale === 'default') inspector.push(...(await withInspector(mock.url)));
  summary.push({ scale, startup: { health, me }, rssMb });
  await stop(ceiling.proc);
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
const ratio = (a, b) => Number((a / b).toFixed(2));
console.log(`\nautocannon: ${CONNECTIONS} connections, ${DURATION}s per scenario, node ${process.version}`);
console.log('ceiling: bare Hono answering the same request with the same bytes (POST: after parsing the JSON body), same run\n');
console.log(`| ${pad('scenario', 50)} | ${pad('fixtures', 8)} | × ceiling | req/s   | ceiling req/s | p50 ms | p99 ms | non-2xx |`);
console.log(`|${'-'.repeat(52)}|${'-'.repeat(10)}|-----------|---------|---------------|--------|--------|---------|`);
for (const { name, scale, mock: r, ceiling: c } of rows) {
  console.log(
    `| ${pad(name, 50)} | ${pad(scale, 8)} | ${pad(ratio(r.rps, c.rps).toFixed(2), 9)} | ${pad(r.rps, 7)} | ${pad(c.rps, 13)} | ${pad(r.p50, 6)} | ${pad(r.p99, 6)} | ${pad(r.non2xx + r.errors, 7)} |`,
  );
}
console.log(`\nbare Hono hello-world: ${base.rps} req/s (p50 ${base.p50} ms, p99 ${base.p99} ms)`);
if (inspector.length) {
  console.log('\none inspector open (a /_mock/stream reader in its own process), default fixtures, same server, alternated twice:\n');
  console.log(`| ${pad('scenario', 16)} | ${pad('reader', 21)} | req/s closed | req/s open | × closed | p99 ms open | events read (last run) |`);
  console.log('|------------------|-----------------------|--------------|------------|----------|-------------|------------------------|');
  for (const r of inspector) {
    console.log(
      `| ${pad(r.name, 16)} | ${pad(r.reader, 21)} | ${pad(r.without, 12)} | ${pad(r.with, 10)} | ${pad(ratio(r.with, r.without).toFixed(2), 8)} | ${pad(r.p99With, 11)} | ${pad(
        Object.entries(r.events)
          .map(([k, v]) => `${k} ${v}`)
          .join(', '),
        22,
      )} |`,
    );
  }
}
console.log('\n| fixtures | spawn → first /v1/me 200 | × bare Hono start | spawn → first /_mock/health 200 | peak RSS |');
console.log('|----------|--------------------------|-------------------|---------------------------------|----------|');
console.log(`(median of 5 starts at the default fixtures, one at larger scales; bare Hono: ${baselineStart} ms to its first 200)`);
for (const s of summary) {
  console.log(
    `| ${pad(s.scale, 8)} | ${pad(`${s.startup.me} ms`, 24)} | ${pad(ratio(s.startup.me, baselineStart).toFixed(2), 17)} | ${pad(`${s.startup.health} ms`, 31)} | ${s.rssMb} MB |`,
  );
}
console.log(`\nwebhook delivery, POST /v1/tickets → signed delivery at a local receiver, ${RATE} events/s for ${DURATION}s:`);
console.log(`delivered ${latencies.length}/${total}, p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms`);

const git = (...args) => {
  try {
    return execFileSync('git', args, { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
};
const commit = git('rev-parse', '--short', 'HEAD');
const dirty = git('status', '--porcelain', '--untracked-files=no');
const date = new Date().toISOString();
const record = {
  date,
  commit: commit && dirty ? `${commit}+dirty` : commit,
  node: process.version,
  machine: { platform: process.platform, arch: process.arch, cpus: cpus().length, cpu: cpus()[0]?.model ?? null, memoryMb: Math.round(totalmem() / 2 ** 20) },
  settings: { durationS: DURATION, connections: CONNECTIONS, scales: SCALES, webhookRate: RATE },
  helloWorld: base,
  scenarios: rows.map(({ name, scale, mock: r, ceiling: c }) => ({ name, fixtures: scale, ratio: ratio(r.rps, c.rps), mock: r, ceiling: c })),
  startup: {
    bareHonoMs: baselineStart,
    runs: summary.map((s) => ({ fixtures: s.scale, ...s.startup, ratio: ratio(s.startup.me, baselineStart), peakRssMb: s.rssMb })),
  },
  webhooks: { rate: RATE, sent: total, delivered: latencies.length, p50Ms: Number(pct(0.5)), p99Ms: Number(pct(0.99)) },
  inspector: inspector.map((r) => ({ ...r, ratio: ratio(r.with, r.without) })),
};
const dir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(dir, { recursive: true });
const out = join(dir, `${date.replace(/[:.]/g, '-')}-${record.commit ?? 'nogit'}.json`);
writeFileSync(out, `${JSON.stringify(record, null, 2)}\n`);
console.log(`\nwritten: ${out}`);
