// npm run bench: throughput and latency of the mock, each scenario against its own ceiling measured
// in the same run (bare Hono answering the same request with the same bytes: see baseline.mjs),
// each server in its own process on loopback; start-up against bare Hono's; memory; --data writes;
// webhook delivery rates. Prints ratios first, and writes the run to bench/results/<date>-<commit>.json.
// Env: BENCH_DURATION (s per scenario, default 5), BENCH_CONNECTIONS (default 10),
//      BENCH_SCALES (comma list of --fixtures-scale values; "default" = bundled fixtures; default "default,100000"),
//      BENCH_WEBHOOK_RATES (events/s tried in turn, default "500,1000,2000,3000"),
//      BENCH_PARTS (comma list of parts to run: api,inspector,storage,webhooks,memory; default all).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AUTH, BASELINE, CONNECTIONS, DURATION, firstOk, load, median, mockArgs, PINNED, pad, ratio, rssMb, start, stop } from './lib.mjs';
import { inspectorRows } from './inspector.mjs';
import { idleRss, workspaceCost } from './memory.mjs';
import { storageRows } from './storage.mjs';
import { webhookRows } from './webhooks.mjs';

const SCALES = (process.env.BENCH_SCALES ?? 'default,100000').split(',').filter(Boolean);
const RATES = (process.env.BENCH_WEBHOOK_RATES ?? '500,1000,2000,3000').split(',').map(Number);
const PARTS = new Set((process.env.BENCH_PARTS ?? 'api,inspector,storage,webhooks,memory').split(','));
/** The scenarios measured again with an inspector open. */
const STREAMED = ['GET one ticket', 'POST a ticket'];

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

const FILTERED = '/v1/tickets?status=open&priority=urgent&q=billing';
const SCENARIOS = [
  ['GET one ticket', 'GET', '/v1/tickets/ticket_123'],
  ['list 25 tickets status=open', 'GET', '/v1/tickets?status=open'],
  ['list tickets q=billing', 'GET', '/v1/tickets?q=billing'],
  ['list tickets status=open&priority=urgent&q=billing', 'GET', FILTERED],
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

async function apiPart() {
  const rows = [];
  const hello = await start([BASELINE]);
  await firstOk(`${hello.url}/`);
  await load(`${hello.url}/`, { duration: 1 });
  const base = await load(`${hello.url}/`);
  await stop(hello.proc);
  const [baselineStart] = await startupTimes([BASELINE], ['/'], 5);
  const summary = [];
  const inspector = [];
  for (const scale of SCALES) {
    const args = mockArgs(...(scale === 'default' ? [] : ['--fixtures-scale', scale]));
    const [health, me, filtered] = await startupTimes(args, ['/_mock/health', '/v1/me', FILTERED], scale === 'default' ? 5 : 1);
    const mock = await start(args);
    await firstOk(`${mock.url}${FILTERED}`, AUTH);
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
    summary.push({ scale, startup: { health, me, filtered }, rssMb: rssMb(mock.proc.pid).peak });
    if (scale === 'default' && PARTS.has('inspector')) {
      const streamed = SCENARIOS.filter(([n]) => STREAMED.includes(n)).map(([name, method, path, body]) => [name, path, requestOf(method, body)]);
      inspector.push(...(await inspectorRows(mock.url, mock.proc.pid, streamed)));
    }
    await stop(ceiling.proc);
    await stop(mock.proc);
  }
  return { base, baselineStart, rows, summary, inspector };
}

const api = PARTS.has('api') ? await apiPart() : undefined;
const storage = PARTS.has('storage') ? await storageRows(CONNECTIONS) : undefined;
const webhooks = PARTS.has('webhooks') ? await webhookRows(RATES) : undefined;
const memory = PARTS.has('memory') ? { idleRssMb: await idleRss(), workspace: workspaceCost() } : undefined;

console.log(
  `\nautocannon: ${CONNECTIONS} connections, ${DURATION}s per scenario, node ${process.version}, ${PINNED ? 'each server pinned to the last core' : 'not pinned'}`,
);
if (api) {
  console.log('ceiling: bare Hono answering the same request with the same bytes (POST: after parsing the JSON body), same run\n');
  console.log(`| ${pad('scenario', 50)} | ${pad('fixtures', 8)} | × ceiling | req/s   | ceiling req/s | p50 ms | p99 ms | non-2xx |`);
  console.log(`|${'-'.repeat(52)}|${'-'.repeat(10)}|-----------|---------|---------------|--------|--------|---------|`);
  for (const { name, scale, mock: r, ceiling: c } of api.rows) {
    console.log(
      `| ${pad(name, 50)} | ${pad(scale, 8)} | ${pad(ratio(r.rps, c.rps).toFixed(2), 9)} | ${pad(r.rps, 7)} | ${pad(c.rps, 13)} | ${pad(r.p50, 6)} | ${pad(r.p99, 6)} | ${pad(r.non2xx + r.errors, 7)} |`,
    );
  }
  console.log(`\nbare Hono hello-world: ${api.base.rps} req/s (p50 ${api.base.p50} ms, p99 ${api.base.p99} ms)`);
  if (api.inspector.length) {
    console.log('\none inspector open (a /_mock/stream reader in its own process), default fixtures, same server, alternated twice:\n');
    console.log(
      `| ${pad('scenario', 16)} | ${pad('reader', 21)} | req/s closed | req/s open | × closed | server µs/request closed → open | p99 ms open | events read (last run) |`,
    );
    console.log(
      '|------------------|-----------------------|--------------|------------|----------|---------------------------------|-------------|------------------------|',
    );
    for (const r of api.inspector) {
      const events = Object.entries(r.events)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
      console.log(
        `| ${pad(r.name, 16)} | ${pad(r.reader, 21)} | ${pad(r.without, 12)} | ${pad(r.with, 10)} | ${pad(ratio(r.with, r.without).toFixed(2), 8)} | ${pad(r.cpuUsWith === null ? '—' : `${r.cpuUsWithout} → ${r.cpuUsWith}`, 31)} | ${pad(r.p99With, 11)} | ${pad(events, 22)} |`,
      );
    }
  }
  console.log('\n| fixtures | spawn → first /v1/me 200 | × bare Hono start | spawn → first filtered list 200 | spawn → /_mock/health | peak RSS |');
  console.log('|----------|--------------------------|-------------------|---------------------------------|-----------------------|----------|');
  console.log(`(median of 5 starts at the default fixtures, one at larger scales; bare Hono: ${api.baselineStart} ms to its first 200)`);
  for (const s of api.summary) {
    console.log(
      `| ${pad(s.scale, 8)} | ${pad(`${s.startup.me} ms`, 24)} | ${pad(ratio(s.startup.me, api.baselineStart).toFixed(2), 17)} | ${pad(`${s.startup.filtered} ms`, 31)} | ${pad(`${s.startup.health} ms`, 21)} | ${s.rssMb} MB |`,
    );
  }
}
if (storage) {
  console.log('\n--data, POST /v1/tickets (each answered after its write is on disk):');
  for (const r of storage)
    console.log(
      `  ${r.workspaces} workspace(s) in the file, ${r.connections} connections: ${r.rps} writes/s, p50 ${r.p50} ms, p99 ${r.p99} ms, non-2xx ${r.non2xx + r.errors}`,
    );
  const [, one, sixty] = storage;
  console.log(`  p50 with 60 workspaces / with 1: ${ratio(Math.max(sixty.p50, 1), Math.max(one.p50, 1))}×`);
}
if (webhooks) {
  console.log('\nwebhook delivery, POST /v1/tickets → signed delivery at a local receiver (one endpoint, deliveries in order):');
  for (const r of webhooks.rows) console.log(`  ${r.rate} events/s for ${DURATION}s: delivered ${r.delivered}/${r.sent}, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms`);
  console.log(`  highest rate with every event delivered and p99 ≤ 25 ms: ${webhooks.bestRate} events/s`);
}
if (memory) {
  console.log(`\nidle RSS after start (default fixtures): ${memory.idleRssMb} MB`);
  console.log(`new workspace (default fixtures, in-process): ${memory.workspace.heapKiB} KiB of heap, ${memory.workspace.medianMs} ms median`);
}

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
  settings: { durationS: DURATION, connections: CONNECTIONS, pinned: PINNED, scales: SCALES, webhookRates: RATES, parts: [...PARTS] },
  helloWorld: api?.base,
  scenarios: api?.rows.map(({ name, scale, mock: r, ceiling: c }) => ({ name, fixtures: scale, ratio: ratio(r.rps, c.rps), mock: r, ceiling: c })),
  startup: api && {
    bareHonoMs: api.baselineStart,
    runs: api.summary.map((s) => ({ fixtures: s.scale, ...s.startup, ratio: ratio(s.startup.me, api.baselineStart), peakRssMb: s.rssMb })),
  },
  inspector: api?.inspector.map((r) => ({ ...r, ratio: ratio(r.with, r.without) })),
  storage,
  webhooks,
  memory,
};
const dir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(dir, { recursive: true });
const out = join(dir, `${date.replace(/[:.]/g, '-')}-${record.commit ?? 'nogit'}.json`);
writeFileSync(out, `${JSON.stringify(record, null, 2)}\n`);
console.log(`\nwritten: ${out}`);
