import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { eventsFor, subscribed, type WebhookEvent } from './events.js';
import { post } from './post.js';
import { sign } from './signing.js';
import type { Mutation } from '../resources/engine.js';
import type { Store, Workspace } from '../store/store.js';
import type { Rec } from '../store/types.js';
import { VERSION } from '../version.js';

export interface DispatcherOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Delay before each retry, in ms; after the last one a delivery is failed. */
  retries: number[];
  /** Per-attempt timeout, in ms. */
  timeoutMs: number;
}

export interface OutboxCounts {
  pending: number;
  succeeded: number;
  failed: number;
}

/**
 * The webhook outbox. Deliveries are stored with the change that caused them (same commit),
 * then sent outside the request: one at a time per endpoint, oldest first (so successful
 * deliveries arrive in order), retried on the mock clock's schedule, every attempt recorded.
 */
export class Dispatcher {
  /** Pending delivery ids per endpoint (`workspace/webhook`), oldest first. */
  private queues = new Map<string, { ws: Workspace; ids: string[] }>();
  private busy = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private scheduled = false;
  private waiters: (() => void)[] = [];
  private closed = false;
  private readonly unsubscribe: () => void;

  constructor(private readonly opts: DispatcherOptions) {
    this.unsubscribe = opts.clock.onChange(() => this.kick());
  }

  /** Stores a delivery for every subscription that takes each event of these mutations. */
  enqueueMutations(ws: Workspace, mutations: Mutation[]): number {
    let count = 0;
    for (const m of mutations) for (const e of eventsFor(m)) count += this.enqueue(ws, e.event, e.data).deliveries;
    return count;
  }

  /** Stores the event's deliveries (call before the store commits; kick after). */
  enqueue(ws: Workspace, event: string, data: Record<string, unknown>): { event: WebhookEvent; deliveries: number } {
    const now = this.opts.clock.iso();
    const payload: WebhookEvent = { id: ws.newId('evt_'), event, timestamp: now, data };
    let deliveries = 0;
    for (const hook of ws.collections.webhooks.values()) {
      if (!hook.active || !subscribed(hook.events, event)) continue;
      const delivery: Rec = {
        id: ws.newId('dlv_'), webhook_id: hook.id, event_id: payload.id, event, status: 'pending', attempts: 0,
        response_status: null, error: null, next_attempt_at: now, payload, history: [], created_at: now, updated_at: now,
      };
      ws.collections.deliveries.put(delivery);
      this.queueOf(ws, hook.id).ids.push(delivery.id);
      deliveries++;
    }
    return { event: payload, deliveries };
  }

  /** Re-queues what a previous run left pending (with --data). */
  recover(ws: Workspace): void {
    const pending = ws.collections.deliveries.values().filter((d) => d.status === 'pending');
    pending.sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : 1));
    for (const d of pending) {
      const q = this.queueOf(ws, String(d.webhook_id));
      if (!q.ids.includes(d.id)) q.ids.push(d.id);
    }
    this.kick();
  }

  private queueOf(ws: Workspace, webhookId: string) {
    const key = `${ws.id}/${webhookId}`;
    let q = this.queues.get(key);
    if (!q) {
      q = { ws, ids: [] };
      this.queues.set(key, q);
    }
    return q;
  }

  /** Sends whatever is due, soon (coalesced), never on the caller's stack. */
  kick(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.drain();
    });
  }

  /** The head of each endpoint's queue that is due and not in flight. */
  private drain(): void {
    const now = this.opts.clock.now();
    let nextDue = Infinity;
    for (const [key, q] of this.queues) {
      if (this.busy.has(key)) continue;
      let head: Rec | undefined;
      while (q.ids.length && !(head = this.current(q))) q.ids.shift();
      if (!head) {
        this.queues.delete(key);
        continue;
      }
      const hook = q.ws.collections.webhooks.get(String(head.webhook_id));
      if (!hook?.active) continue;
      const due = Date.parse(String(head.next_attempt_at));
      if (due <= now) void this.attempt(key, q.ws, head, hook);
      else nextDue = Math.min(nextDue, due);
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    if (nextDue !== Infinity && !this.opts.clock.frozen) {
      this.timer = setTimeout(() => this.kick(), Math.min(nextDue - now, 2 ** 31 - 1));
      this.timer.unref();
    }
    this.wake();
  }

  /** The stored, still pending delivery at the head of a queue. */
  private current(q: { ws: Workspace; ids: string[] }): Rec | undefined {
    const d = q.ws.collections.deliveries.get(q.ids[0]!);
    return d && d.status === 'pending' ? d : undefined;
  }

  private async attempt(key: string, ws: Workspace, d: Rec, hook: Rec): Promise<void> {
    this.busy.add(key);
    const { clock, timeoutMs, retries, logger } = this.opts;
    const body = JSON.stringify(d.payload);
    const timestamp = Math.floor(clock.now() / 1000);
    const attemptedAt = new Date(clock.now()).toISOString();
    let status: number | null = null;
    let error: string | null = null;
    const t0 = performance.now();
    try {
      status = await post(String(hook.url), {
        'content-type': 'application/json',
        'user-agent': `commflow-mock/${VERSION} (webhooks)`,
        'webhook-id': String(d.event_id),
        'webhook-timestamp': String(timestamp),
        'webhook-signature': sign(String(hook.secret), String(d.event_id), timestamp, body),
      }, body, timeoutMs);
      if (status < 200 || status > 299) error = `The endpoint answered ${status}.`;
    } catch (err) {
      error = (err as Error).message;
    }
    const duration = Math.round((performance.now() - t0) * 1000) / 1000;
    const latest = ws.collections.deliveries.get(d.id);
    if (latest && latest.status === 'pending') {
      const attempts = Number(latest.attempts) + 1;
      const ok = error === null;
      const retryIn = ok ? undefined : retries[attempts - 1];
      const updated: Rec = {
        ...latest,
        status: ok ? 'succeeded' : retryIn === undefined ? 'failed' : 'pending',
        attempts,
        response_status: status,
        error,
        next_attempt_at: retryIn === undefined ? null : new Date(clock.now() + retryIn).toISOString(),
        history: [...(latest.history as unknown[]), { attempted_at: attemptedAt, response_status: status, duration_ms: duration, error }],
        updated_at: clock.iso(),
      };
      ws.collections.deliveries.put(updated);
      if (!ok) logger.debug(`webhook ${String(hook.url)} ${String(d.event)} attempt ${attempts}: ${error}`);
      try {
        await this.opts.store.commit();
      } catch (err) {
        logger.error('could not persist a webhook delivery', err);
      }
    }
    this.busy.delete(key);
    // Go straight on with this endpoint's next delivery if it is due: no scheduling hop per event.
    const q = this.queues.get(key);
    let next: Rec | undefined;
    while (q && q.ids.length && !(next = this.current(q))) q.ids.shift();
    if (q && next && hook.active && Date.parse(String(next.next_attempt_at)) <= clock.now()) {
      void this.attempt(key, ws, next, ws.collections.webhooks.get(String(next.webhook_id)) ?? hook);
      this.wake();
    } else this.kick();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private nextChange(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** Earliest due time among the queue heads of active endpoints, and whether one is due now. */
  private outlook(): { dueNow: boolean; earliest: number } {
    const now = this.opts.clock.now();
    let earliest = Infinity;
    for (const q of this.queues.values()) {
      const head = this.current(q);
      if (!head || !q.ws.collections.webhooks.get(String(head.webhook_id))?.active) continue;
      earliest = Math.min(earliest, Date.parse(String(head.next_attempt_at)));
    }
    return { dueNow: earliest <= now, earliest };
  }

  /**
   * Resolves once nothing is in flight and nothing is due; with `advanceClock`, moves the mock
   * clock to each pending retry in turn until every delivery has ended.
   */
  async flush(options: { advanceClock?: boolean; timeoutMs?: number } = {}): Promise<{ timedOut: boolean }> {
    const deadline = performance.now() + (options.timeoutMs ?? 10_000);
    for (;;) {
      if (performance.now() >= deadline) return { timedOut: true };
      this.kick();
      await this.nextChange(Math.max(1, Math.min(20, deadline - performance.now())));
      const { dueNow, earliest } = this.outlook();
      if (this.busy.size > 0 || dueNow || this.scheduled) continue;
      if (options.advanceClock && earliest !== Infinity) {
        this.opts.clock.advance(Math.max(0, earliest - this.opts.clock.now()));
        continue;
      }
      return { timedOut: false };
    }
  }

  counts(workspaces: Workspace[]): OutboxCounts {
    const out: OutboxCounts = { pending: 0, succeeded: 0, failed: 0 };
    for (const ws of workspaces) for (const d of ws.collections.deliveries.values()) out[d.status as keyof OutboxCounts]++;
    return out;
  }

  /** Forget every queue, or one workspace's (after a reset) — the store no longer holds those deliveries. */
  clear(workspaceId?: string): void {
    if (!workspaceId) this.queues.clear();
    else for (const key of [...this.queues.keys()]) if (key.startsWith(`${workspaceId}/`)) this.queues.delete(key);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.unsubscribe();
    this.wake();
  }
}
