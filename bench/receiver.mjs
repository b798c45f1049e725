// A webhook receiver in its own process for the benchmark: prints "<subject> <arrival ms>" per delivery
// (absolute time: performance.timeOrigin + performance.now(), comparable across processes).
import { createServer } from 'node:http';

const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const at = performance.timeOrigin + performance.now();
    res.end('ok');
    process.stdout.write(`${JSON.parse(body).data.subject} ${at}\n`);
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`http://127.0.0.1:${server.address().port}/hooks\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
