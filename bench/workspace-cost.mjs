// Run with --expose-gc: heap retained and time taken by each new workspace (default fixtures),
// over 200 in-process mock.workspace() calls after 20 warm-ups. Prints one JSON line.
import { createMockServer } from '../dist/index.js';

const mock = await createMockServer({ port: 0, logLevel: 'silent' });
for (let i = 0; i < 20; i++) await mock.workspace();
const N = 200;
globalThis.gc();
const before = process.memoryUsage().heapUsed;
const times = [];
for (let i = 0; i < N; i++) {
  const t0 = performance.now();
  await mock.workspace();
  times.push(performance.now() - t0);
}
globalThis.gc();
const after = process.memoryUsage().heapUsed;
times.sort((a, b) => a - b);
process.stdout.write(`${JSON.stringify({ heapKiB: Number(((after - before) / N / 1024).toFixed(1)), medianMs: Number(times[N >> 1].toFixed(2)) })}\n`);
await mock.close();
