// The ceilings: bare Hono on @hono/node-server, in its own process. `GET /` answers a hello-world;
// every request the benchmark sends the mock is answered with the very bytes the mock answered it
// with (read from the JSON file named in argv[2]): GETs send them as they are, POSTs parse the JSON
// body first. The ratio mock/ceiling is then the mock's own overhead, not the size of its answers.
import { readFileSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

/** @type {{ method: string, path: string, status: number, contentType: string, body: string }[]} */
const answers = process.argv[2] ? JSON.parse(readFileSync(process.argv[2], 'utf8')) : [];
const byRequest = new Map(answers.map((a) => [`${a.method} ${a.path}`, a]));

const app = new Hono();
app.get('/', (c) => c.json({ hello: 'world' }));
app.all('*', async (c) => {
  const url = c.req.url;
  const answer = byRequest.get(`${c.req.method} ${url.slice(url.indexOf('/', 8))}`);
  if (!answer) return c.json({ error: 'not benchmarked' }, 404);
  if (c.req.method === 'POST') await c.req.json();
  return c.body(answer.body, answer.status, { 'content-type': answer.contentType });
});
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`http://127.0.0.1:${info.port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
