// An inspector stand-in in its own process for the benchmark: reads GET /_mock/stream (argv[2] is
// the server's URL, argv[3] the query: the page's is `max_rate=100`) parsing every event, and prints
// "ready" once it is open; on SIGTERM it prints how many events of each kind it read.
const counts = {};
const res = await fetch(`${process.argv[2]}/_mock/stream?${process.argv[3] ?? ''}`);
const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
let buffer = '';
let told = false;
process.on('SIGTERM', () => {
  process.stdout.write(`${JSON.stringify(counts)}\n`);
  process.exit(0);
});
for (;;) {
  const { value, done } = await reader.read();
  if (done) break;
  buffer += value;
  for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
    const block = buffer.slice(0, end);
    buffer = buffer.slice(end + 2);
    const event = /^event: (.*)$/m.exec(block)?.[1];
    if (!event) continue;
    JSON.parse(/^data: (.*)$/m.exec(block)[1]);
    counts[event] = (counts[event] ?? 0) + 1;
    if (!told) {
      told = true;
      process.stdout.write('ready\n');
    }
  }
}
