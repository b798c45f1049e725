// The cost of one open inspector: the same scenario without and with a stream consumer (in its own
// process, parsing every event), alternated twice in the same run, on the same server. The consumer
// reads what the page asks for (`max_rate=100`), then, for a script, every event.
import { fileURLToPath } from 'node:url';
import { load, start } from './lib.mjs';

const READERS = [
  ['the inspector page', 'max_rate=100'],
  ['a script, every event', ''],
];
const CONSUMER = fileURLToPath(new URL('./stream-consumer.mjs', import.meta.url));

async function alternated(url, pid, name, opts, path, query) {
  const runs = { without: [], with: [] };
  let events = {};
  for (let round = 0; round < 2; round++) {
    runs.without.push(await load(`${url}${path}`, opts, pid));
    const consumer = await start([CONSUMER, url, query], /^(ready)$/m);
    runs.with.push(await load(`${url}${path}`, opts, pid));
    const counted = new Promise((resolve) => consumer.proc.stdout.on('data', (c) => /^\{/m.test(String(c)) && resolve(String(c))));
    consumer.proc.kill('SIGTERM');
    events = JSON.parse((await counted).trim().split('\n').at(-1));
  }
  const avg = (rs) => Math.round(rs.reduce((n, r) => n + r.rps, 0) / rs.length);
  // The server's CPU per request moves far less than throughput when the load generator shares a core with the reader.
  const cpu = (rs) => (rs.every((r) => r.cpuUs !== undefined) ? Number((rs.reduce((n, r) => n + r.cpuUs, 0) / rs.length).toFixed(1)) : null);
  return {
    name,
    without: avg(runs.without),
    with: avg(runs.with),
    p99With: Math.max(...runs.with.map((r) => r.p99)),
    cpuUsWithout: cpu(runs.without),
    cpuUsWith: cpu(runs.with),
    events,
  };
}

/** `scenarios`: [name, path, request options] for each scenario measured with and without a reader. */
export async function inspectorRows(url, pid, scenarios) {
  const out = [];
  for (const [name, path, opts] of scenarios) {
    for (const [reader, query] of READERS) out.push({ reader, ...(await alternated(url, pid, name, opts, path, query)) });
  }
  return out;
}
