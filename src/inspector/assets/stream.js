// GET /_mock/stream read with fetch (EventSource cannot send the admin token): each event is
// handed on as (name, data); reconnects with a growing pause when the stream ends or fails.
import { askToken, controlHeaders } from './api.js';

function parse(block) {
  let event = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue; // a comment: the heartbeat
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return data.length ? { event, data: JSON.parse(data.join('\n')) } : undefined;
}

/** Keeps a stream open for the life of the page. `onStatus('live' | 'offline')`; `onEvent(name, data)`. */
export function follow(onEvent, onStatus) {
  let failures = 0;
  const run = async () => {
    for (;;) {
      try {
        // A page shows a few rows a second at most: more would cost the server (and this machine) for nothing.
        // The newest requests first (backlog), then what comes: one source, nothing missed or told twice.
        const res = await fetch('/_mock/stream?max_rate=100&backlog=200', { headers: { accept: 'text/event-stream', ...controlHeaders() } });
        if (res.status === 401) {
          await askToken(true);
          continue;
        }
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        failures = 0;
        onStatus('live');
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const e = parse(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
            if (e) onEvent(e.event, e.data);
          }
        }
      } catch {
        // Reconnected below.
      }
      onStatus('offline');
      failures++;
      await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 250 * 2 ** failures)));
    }
  };
  run();
}
