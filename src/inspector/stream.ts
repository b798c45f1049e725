import type { Clock } from '../clock.js';
import { errors } from '../errors.js';
import type { Feed, FeedEvent, FeedEventType } from '../feed.js';
import { LIMITS } from '../limits.js';

/** What a stream sends (GET /_mock/stream's query). */
export interface StreamQuery {
  types?: FeedEventType[];
  workspace_id?: string;
  max_events?: number;
  timeout_ms?: number;
  /** Request and delivery events a second, at most (the rest are counted in a gap). */
  max_rate?: number;
  /** The newest requests already journaled, sent first. */
  backlog?: number;
}

export interface StreamLimits {
  /** Streams open at once. */
  streams: number;
  /** Bytes waiting for the reader before events are dropped. */
  bufferBytes: number;
  /** How long a stream may drop events before it is closed (ms). */
  stallMs: number;
  heartbeatMs: number;
  /** At most one `state` event per this many ms. */
  stateMs: number;
  /** How long events gather before they are written together (ms). */
  batchMs: number;
}

export const STREAM_LIMITS: StreamLimits = {
  streams: LIMITS.streams,
  bufferBytes: LIMITS.streamBufferBytes,
  stallMs: LIMITS.streamStallMs,
  heartbeatMs: LIMITS.streamHeartbeatMs,
  stateMs: LIMITS.streamStateMs,
  batchMs: 25,
};

const ALL_TYPES: FeedEventType[] = ['request', 'delivery', 'state', 'clock'];

/** What the stream needs of a socket (a node:net Socket). */
export interface ClientSocket {
  readonly destroyed: boolean;
  once(event: 'end' | 'close', listener: () => void): ClientSocket;
  off(event: 'end' | 'close', listener: () => void): ClientSocket;
}
const encoder = new TextEncoder();
const frame = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * A Server-Sent Events stream of the feed. Events gather for a few milliseconds and go out in one
 * write; `state` events are coalesced. The reader sets the pace: what it has not read is held up to
 * `bufferBytes`, then events are dropped and counted in the next `gap` event, and a reader that
 * stays behind for `stallMs` is disconnected. Nothing is left behind once it ends (the client goes,
 * `max_events` or `timeout_ms` is reached, or the feed closes with the server).
 */
export function openStream(
  feed: Feed,
  clock: Clock,
  version: string,
  q: StreamQuery,
  limits: StreamLimits = STREAM_LIMITS,
  /** The client's socket: when it ends or closes, the client is gone, even while nothing is being written. */
  client?: { socket: ClientSocket },
  /** The newest `n` requests the journal holds (of a workspace, or all), oldest first, as events (for `backlog`). */
  history: (n: number, workspaceId?: string) => FeedEvent[] = () => [],
): Response {
  if (feed.size >= limits.streams) throw errors.tooManyStreams(limits.streams);
  const types = new Set(q.types ?? ALL_TYPES);
  const clockNow = () => ({ now: new Date(clock.now()).toISOString(), frozen: clock.frozen, offset_ms: Math.round(clock.offsetMs()) });
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let pending: FeedEvent[] = [];
  let states = 0;
  let lastState = -Infinity;
  let lastGap = -Infinity;
  let clockChanged = false;
  let dropped = 0;
  let droppingSince: number | undefined;
  let sent = 0;
  let ended = false;
  /** Request and delivery events taken in the current second (for max_rate; a timer starts each second). */
  let taken = 0;
  let batch: NodeJS.Timeout | undefined;
  let unwatch: () => unknown = () => undefined;
  const timers: NodeJS.Timeout[] = [];

  const end = () => {
    if (ended) return;
    ended = true;
    client?.socket.off('end', end).off('close', end);
    unwatch();
    clearTimeout(batch);
    for (const t of timers) clearTimeout(t);
    pending = [];
    try {
      controller.close();
    } catch {
      // Already cancelled by the reader.
    }
  };
  const schedule = (ms = limits.batchMs) => {
    batch ??= setTimeout(flush, ms);
  };
  /** Whether one more request or delivery event would go over max_rate this second. */
  const over = () => ++taken > q.max_rate!;
  /** Whether the reader is behind: what it has not read fills the buffer. */
  const behind = () => (controller.desiredSize ?? 0) <= 0;

  function flush(): void {
    batch = undefined;
    if (ended) return;
    const now = performance.now();
    if (behind()) {
      dropped += pending.length + (clockChanged ? 1 : 0);
      pending = [];
      clockChanged = false;
      droppingSince ??= now;
      // Looked at again until the reader catches up (then the gap is told) or stays behind too long.
      if (now - droppingSince >= limits.stallMs) end();
      else schedule(Math.min(limits.stateMs, limits.stallMs));
      return;
    }
    droppingSince = undefined;
    // What was not sent is told at most every stateMs (a flood over max_rate is one gap a while, not one per write).
    const tell = dropped > 0 && now - lastGap >= limits.stateMs;
    let text = tell ? frame('gap', { dropped }) : '';
    if (tell) [dropped, lastGap] = [0, now];
    const count = () => q.max_events !== undefined && ++sent >= q.max_events;
    let done = false;
    for (const e of pending) {
      // One write holds at most a quarter of the buffer: the rest is dropped, and counted.
      if (done || text.length > limits.bufferBytes / 4) {
        dropped++;
        continue;
      }
      text += frame(e.type, e.data());
      done = count();
    }
    pending = [];
    if (clockChanged && !done) {
      text += frame('clock', clockNow());
      done = count();
    }
    clockChanged = false;
    if (states && !done) {
      if (now - lastState >= limits.stateMs) {
        text += frame('state', { changes: states, at: new Date(clock.now()).toISOString() });
        states = 0;
        lastState = now;
        done = count();
      } else schedule(limits.stateMs - (now - lastState));
    }
    if (text) controller.enqueue(encoder.encode(text));
    if (done) end();
    else if (dropped) schedule(limits.stateMs); // what did not fit in this write is told in a gap soon
  }

  const watcher = {
    event(e: FeedEvent): void {
      if (ended || !types.has(e.type)) return;
      if (e.type === 'state') states++;
      else if (e.type === 'clock') clockChanged = true;
      else if (q.workspace_id !== undefined && e.workspaceId !== q.workspace_id) return;
      else if (q.max_rate !== undefined && over()) dropped++;
      else pending.push(e);
      schedule();
    },
    close: end,
  };

  const body = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
        let text = frame('ready', { version, clock: clockNow(), types: [...types] });
        // What the journal holds already, then (from the same instant on) what comes: nothing missed or told twice.
        if (q.backlog && types.has('request')) {
          for (const e of history(q.backlog, q.workspace_id)) text += frame('request', e.data());
        }
        c.enqueue(encoder.encode(text));
        unwatch = feed.watch(watcher);
        const ping = setInterval(() => {
          if (!ended && !behind()) c.enqueue(encoder.encode(': ping\n\n'));
        }, limits.heartbeatMs);
        ping.unref();
        timers.push(ping);
        if (q.timeout_ms !== undefined) timers.push(setTimeout(end, q.timeout_ms));
        if (q.max_rate !== undefined) {
          // Counting by a timer, not by reading the time for every request the stream is told of.
          const second = setInterval(() => {
            taken = 0;
          }, 1000);
          second.unref();
          timers.push(second);
        }
        // Connections may be half-open (a client may end its side once its request is sent), so a
        // client that leaves would be noticed only at the next failed write: an event-stream client
        // that ends its side has left.
        client?.socket.once('end', end).once('close', end);
        if (client?.socket.destroyed) end();
      },
      cancel() {
        end();
      },
    },
    { highWaterMark: limits.bufferBytes, size: (chunk) => chunk.byteLength },
  );
  return new Response(body, { status: 200, headers: STREAM_HEADERS });
}

export const STREAM_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
};
