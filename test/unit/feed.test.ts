import { describe, expect, it, vi } from 'vitest';
import { Feed } from '../../src/feed.js';

describe('Feed', () => {
  it('is inactive with nobody watching, and then builds nothing', () => {
    const feed = new Feed();
    const data = vi.fn(() => ({}));
    feed.emit('request', data);
    expect(feed.active).toBe(false);
    expect(data).not.toHaveBeenCalled();
  });

  it('tells each watcher, with the workspace; stops telling one that stopped watching', () => {
    const feed = new Feed();
    const seen: string[] = [];
    const stop = feed.watch({ event: (e) => seen.push(`${e.type} ${e.workspaceId}`), close: () => undefined });
    feed.emit('delivery', () => ({}), 'ws_1');
    stop();
    feed.emit('state', () => ({}));
    expect(seen).toEqual(['delivery ws_1']);
    expect(feed.size).toBe(0);
  });

  it('drops a watcher that throws, and never throws at the emitter (a request, a commit)', () => {
    const feed = new Feed();
    const closed = vi.fn();
    const good = vi.fn();
    feed.watch({
      event: () => {
        throw new Error('broken');
      },
      close: closed,
    });
    feed.watch({ event: good, close: () => undefined });
    expect(() => feed.emit('request', () => ({}))).not.toThrow();
    expect(closed).toHaveBeenCalledOnce();
    expect(good).toHaveBeenCalledOnce();
    expect(feed.size).toBe(1);
  });

  it('closes every watcher when it closes (the server stops)', () => {
    const feed = new Feed();
    const closes = [vi.fn(), vi.fn()];
    for (const close of closes) feed.watch({ event: () => undefined, close });
    feed.close();
    for (const close of closes) expect(close).toHaveBeenCalledOnce();
    expect(feed.active).toBe(false);
  });
});
