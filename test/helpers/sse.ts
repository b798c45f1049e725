import { expect, vi } from 'vitest';

export interface SseEvent {
  event: string;
  data: any;
}

/**
 * Reads a Server-Sent Events response as it comes: `events` (parsed), `comments` (heartbeats);
 * `until(check)` resolves once `check` holds on what was read (never a fixed wait).
 */
export function sseReader(res: Response) {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  let bytes = 0;
  let ended = false;
  const r = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const pump = (async () => {
    for (;;) {
      const { value, done } = await r.read().catch(() => ({ value: undefined, done: true as const }));
      if (done) break;
      bytes += value.byteLength;
      buffer += decoder.decode(value, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (block.startsWith(':')) comments.push(block);
        else {
          const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
          const data = /^data: (.*)$/m.exec(block)?.[1] ?? 'null';
          events.push({ event, data: JSON.parse(data) });
        }
      }
    }
    ended = true;
  })();
  return {
    events,
    comments,
    bytes: () => bytes,
    ended: () => ended,
    of: (name: string) => events.filter((e) => e.event === name),
    until: (check: () => boolean, timeout = 5_000) => vi.waitFor(() => expect(check()).toBe(true), { timeout, interval: 5 }),
    cancel: () => r.cancel().catch(() => undefined),
    pump,
  };
}
