/**
 * What happens in the sandbox, for whoever watches it (`GET /_mock/stream`, the inspector):
 * journal entries, webhook deliveries, state and clock changes. Emitters ask `active` first, so
 * with nobody watching an event costs one size check and nothing is built; `data` is built only
 * when a watcher sends it (off the request path).
 */
export type FeedEventType = 'request' | 'delivery' | 'state' | 'clock';

export interface FeedEvent {
  type: FeedEventType;
  /** The workspace it concerns (requests and deliveries), for watchers that follow one. */
  workspaceId: string | null;
  /** The event's JSON data, built when (and if) it is sent. */
  data: () => unknown;
}

export interface FeedWatcher {
  event(e: FeedEvent): void;
  /** The feed is closing (the server stops): end what was opened on it. */
  close(): void;
}

export class Feed {
  private readonly watchers = new Set<FeedWatcher>();

  /** Whether anyone watches: emitters build nothing otherwise. */
  get active(): boolean {
    return this.watchers.size > 0;
  }

  get size(): number {
    return this.watchers.size;
  }

  /** Starts watching; the function returned stops. */
  watch(watcher: FeedWatcher): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  /** Tells every watcher; a watcher that throws is dropped, never the request or commit that emitted. */
  emit(type: FeedEventType, data: () => unknown, workspaceId: string | null = null): void {
    if (this.watchers.size === 0) return;
    const e: FeedEvent = { type, workspaceId, data };
    for (const w of this.watchers) {
      try {
        w.event(e);
      } catch {
        this.watchers.delete(w);
        try {
          w.close();
        } catch {
          // Already broken: forgotten all the same.
        }
      }
    }
  }

  /** Tells every watcher to end (the server is stopping), and forgets them. */
  close(): void {
    const all = [...this.watchers];
    this.watchers.clear();
    for (const w of all) w.close();
  }
}
