// Webhook delivery: tickets POSTed at a steady rate to a mock subscribed (--webhook) to a receiver
// in another process; time from sending the POST to the signed delivery's arrival.
import http from 'node:http';
import { AUTH, DURATION, RECEIVER, firstOk, mockArgs, start, stop } from './lib.mjs';

async function atRate(rate) {
  const rec = await start([RECEIVER]);
  const arrivals = new Map();
  let pendingLine = '';
  rec.proc.stdout.on('data', (chunk) => {
    const lines = (pendingLine + chunk).split('\n');
    pendingLine = lines.pop();
    for (const line of lines) {
      const [subject, at] = line.split(' ');
      if (at) arrivals.set(subject, Number(at));
    }
  });
  const hooked = await start(mockArgs('--webhook', rec.url));
  await firstOk(`${hooked.url}/v1/me`, AUTH);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const headers = { ...AUTH, 'content-type': 'application/json' };
  const post = (subject) =>
    new Promise((resolve) => {
      const req = http.request(`${hooked.url}/v1/tickets`, { method: 'POST', agent, headers }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', resolve);
      req.end(JSON.stringify({ subject }));
    });
  // Warm up: the first POSTs load the validator and compile the operation (lazy start-up).
  for (let i = 0; i < 200; i++) await post(`warmup-${i}`);
  const sent = new Map();
  const total = rate * DURATION;
  const nowAbs = () => performance.timeOrigin + performance.now();
  const t0 = performance.now();
  await new Promise((resolve) => {
    let i = 0;
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate) + 1);
      for (; i < due; i++) {
        const subject = `bench-${i}`;
        sent.set(subject, nowAbs());
        void post(subject);
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
  const pct = (p) => Number(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]?.toFixed(1));
  agent.destroy();
  await stop(hooked.proc);
  await stop(rec.proc);
  return { rate, sent: total, delivered: latencies.length, p50Ms: pct(0.5), p99Ms: pct(0.99) };
}

/** Each rate in turn; the best is the highest at which every event arrived with p99 within 25 ms. */
export async function webhookRows(rates) {
  const rows = [];
  for (const rate of rates) rows.push(await atRate(rate));
  const kept = rows.filter((r) => r.delivered === r.sent && r.p99Ms <= 25);
  return { rows, bestRate: kept.length ? Math.max(...kept.map((r) => r.rate)) : 0 };
}
