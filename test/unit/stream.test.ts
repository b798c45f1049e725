import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { createClock } from '../../src/clock.js';
import { ApiError } from '../../src/errors.js';
import { Feed } from '../../src/feed.js';
import { openStream, STREAM_LIMITS, type StreamLimits, type StreamQuery } from '../../src/inspector/stream.js';
import { sseReader as reader } from '../helpers/sse.js';

const clock = createClock();
clock.freeze(Date.parse('2026-07-01T12:00:00Z'));

const open = (feed: Feed, q: StreamQuery = {}, limits: Partial<StreamLimits> = {}) =>
  openStream(feed, clock, '9.9.9', q, { ...STREAM_LIMITS, batchMs: 1, stateMs: 20, ...limits });

describe('GET /_mock/stream (openStream)', () => {
  it('says ready first, with the clock and the types it sends, then the events in order', async () => {
    const feed = new Feed();
    const res = open(feed);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const s = reader(res);
    await s.until(() => s.events.length === 1);
    expect(s.events[0]).toEqual({
      event: 'ready',
      data: {
        version: '9.9.9',
        clock: { now: '2026-07-01T12:00:00.000Z', frozen: true, offset_ms: expect.any(Number) },
        types: ['request', 'delivery', 'state', 'clock'],
      },
    });
    feed.emit('request', () => ({ id: 'req_1' }), 'ws_1');
    feed.emit('delivery', () => ({ id: 'dlv_1' }), 'ws_1');
    feed.emit('request', () => ({ id: 'req_2' }), 'ws_2');
    await s.until(() => s.events.length === 4);
    expect(s.events.slice(1).map((e) => [e.event, e.data.id])).toEqual([
      ['request', 'req_1'],
      ['delivery', 'dlv_1'],
      ['request', 'req_2'],
    ]);
    await s.cancel();
  });

  it('sends only the types and the workspace asked for; state and clock whatever the workspace', async () => {
    const feed = new Feed();
    const s = reader(open(feed, { types: ['request', 'clock'], workspace_id: 'ws_1' }));
    feed.emit('request', () => ({ id: 'req_other' }), 'ws_2');
    feed.emit('delivery', () => ({ id: 'dlv_1' }), 'ws_1');
    feed.emit('state', () => ({}));
    feed.emit('request', () => ({ id: 'req_mine' }), 'ws_1');
    feed.emit('clock', () => ({}));
    await s.until(() => s.events.length === 3);
    expect(s.events.map((e) => e.event)).toEqual(['ready', 'request', 'clock']);
    expect(s.events[1]!.data.id).toBe('req_mine');
    await s.cancel();
  });

  it('coalesces state changes: one event counts the changes it stands for', async () => {
    const feed = new Feed();
    const s = reader(open(feed, { types: ['state'] }));
    for (let i = 0; i < 50; i++) feed.emit('state', () => ({}));
    await s.until(() => s.events.filter((e) => e.event === 'state').reduce((n, e) => n + e.data.changes, 0) === 50);
    expect(s.events.filter((e) => e.event === 'state').length).toBeLessThan(5);
    expect(s.events.at(-1)!.data.at).toBe('2026-07-01T12:00:00.000Z');
    await s.cancel();
  });

  it('builds no event data while nobody watches, and only what it sends', () => {
    const feed = new Feed();
    const data = vi.fn(() => ({}));
    feed.emit('request', data);
    expect(data).not.toHaveBeenCalled();
    expect(feed.active).toBe(false);
  });

  it('ends after max_events (ready not counted) and forgets the feed', async () => {
    const feed = new Feed();
    const s = reader(open(feed, { max_events: 2 }));
    await s.until(() => s.events.length === 1);
    expect(feed.size).toBe(1);
    for (let i = 1; i <= 5; i++) feed.emit('request', () => ({ id: `req_${i}` }), null);
    await s.pump;
    expect(s.events.map((e) => e.data.id ?? e.event)).toEqual(['ready', 'req_1', 'req_2']);
    expect(feed.size).toBe(0);
  });

  it('sends at most max_rate request and delivery events a second, and counts the others in one gap', async () => {
    const feed = new Feed();
    const s = reader(open(feed, { max_rate: 10 }));
    await s.until(() => s.events.length === 1);
    const t0 = performance.now();
    for (let i = 0; i < 60; i++) feed.emit(i % 2 ? 'request' : 'delivery', () => ({ id: i }), null);
    feed.emit('state', () => ({}));
    const sent = () => s.events.filter((e) => e.event === 'request' || e.event === 'delivery').length;
    const told = () => s.of('gap').reduce((n, e) => n + e.data.dropped, 0);
    await s.until(() => sent() + told() === 60 && s.of('state').length === 1);
    // Within one second, or two if the burst fell across a second's edge.
    expect(sent()).toBeLessThanOrEqual(performance.now() - t0 < 1000 ? 20 : 30);
    expect(s.of('gap').length).toBeLessThanOrEqual(2);
    await s.cancel();
  });

  it('ends after timeout_ms', async () => {
    const feed = new Feed();
    const s = reader(open(feed, { timeout_ms: 30 }));
    await s.pump;
    expect(s.ended()).toBe(true);
    expect(feed.size).toBe(0);
  });

  it('a client that goes away leaves nothing behind (no watcher, no timer)', async () => {
    const feed = new Feed();
    const s = reader(open(feed, { timeout_ms: 60_000 }));
    await s.until(() => s.events.length === 1);
    await s.cancel();
    expect(feed.size).toBe(0);
    feed.emit('request', () => ({ id: 'late' }), null); // nobody watches: nothing happens
  });

  it('sends a heartbeat comment on an idle stream', async () => {
    const feed = new Feed();
    const s = reader(open(feed, {}, { heartbeatMs: 10 }));
    await s.until(() => s.comments.length >= 2);
    expect(s.comments[0]).toBe(': ping');
    await s.cancel();
  });

  it('refuses a stream past the cap (429 too_many_streams), and takes one again once another closes', async () => {
    const feed = new Feed();
    const first = reader(open(feed, {}, { streams: 2 }));
    const second = reader(open(feed, {}, { streams: 2 }));
    let refused: unknown;
    try {
      open(feed, {}, { streams: 2 });
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ status: 429, code: 'too_many_streams', headers: { 'Retry-After': '1' } });
    await first.cancel();
    const third = reader(open(feed, {}, { streams: 2 }));
    await third.until(() => third.events.length === 1);
    await Promise.all([second.cancel(), third.cancel()]);
  });

  it('a reader that stops reading costs at most its buffer: events are dropped and counted in a gap', async () => {
    const feed = new Feed();
    const limits = { bufferBytes: 16 * 1024, stallMs: 60_000 };
    const res = open(feed, {}, limits);
    const payload = 'x'.repeat(1000);
    // Nobody reads: 2,000 events of 1 KB each (2 MB) against a 16 KiB buffer.
    for (let i = 0; i < 2000; i++) {
      feed.emit('request', () => ({ id: `req_${i}`, payload }), null);
      if (i % 100 === 0) await new Promise((r) => setImmediate(r));
    }
    const s = reader(res);
    // Once it reads again, what it missed is told (in one or more gaps), and events flow again.
    const told = () => s.events.filter((e) => e.event === 'gap').reduce((n, e) => n + e.data.dropped, 0);
    const delivered = () => s.events.filter((e) => e.event === 'request').length;
    await s.until(() => delivered() + told() === 2000);
    // What was held is bounded by the buffer plus one write (a quarter of it), whatever was emitted.
    expect(s.bytes()).toBeLessThan(limits.bufferBytes * 2);
    expect(told()).toBeGreaterThan(1900);
    feed.emit('request', () => ({ id: 'after' }), null);
    await s.until(() => s.events.some((e) => e.data.id === 'after'));
    await s.cancel();
  });

  it('closes a reader that stays behind for the stall time', async () => {
    const feed = new Feed();
    open(feed, {}, { bufferBytes: 1024, stallMs: 30 });
    const big = 'y'.repeat(2000);
    // Fills the buffer once; the stream then gives up on its reader (which never reads) by itself.
    for (let i = 0; i < 10; i++) feed.emit('request', () => ({ big }), null);
    await vi.waitFor(() => expect(feed.size).toBe(0), { timeout: 5_000, interval: 10 });
  });

  it('ends when its client ends its side of the connection, and leaves no listener on a socket it ends on', async () => {
    const feed = new Feed();
    const socket = Object.assign(new EventEmitter(), { destroyed: false });
    const s = reader(openStream(feed, clock, '9.9.9', {}, STREAM_LIMITS, { socket }));
    await s.until(() => s.events.length === 1);
    expect(socket.listenerCount('end')).toBe(1);
    socket.emit('end');
    await s.pump;
    expect(feed.size).toBe(0);
    expect(socket.listenerCount('end') + socket.listenerCount('close')).toBe(0);
    // A keep-alive socket that carries stream after stream keeps no listener of those that ended.
    for (let i = 0; i < 20; i++) {
      const again = reader(openStream(feed, clock, '9.9.9', { max_events: 1 }, { ...STREAM_LIMITS, batchMs: 1 }, { socket }));
      await again.until(() => again.events.length === 1);
      feed.emit('clock', () => ({}));
      await again.pump;
    }
    expect(socket.listenerCount('end') + socket.listenerCount('close')).toBe(0);
  });

  it('ends when the feed closes (the server stops)', async () => {
    const feed = new Feed();
    const s = reader(open(feed));
    await s.until(() => s.events.length === 1);
    feed.close();
    await s.pump;
    expect(s.ended()).toBe(true);
  });
});
