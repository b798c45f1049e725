import type { Clock } from '../clock.js';
import type { Feed } from '../feed.js';
import { LIMITS } from '../limits.js';
import type { Logger } from '../logger.js';
import type { Mutation } from '../resources/engine.js';
import type { Store } from '../store/store.js';
import type { Workspace } from '../store/workspace.js';
import type { Rec } from '../store/types.js';
import { recordAttempt, type AttemptResult } from './attempt.js';
import { eventsFor, subscribed, type WebhookEvent } from './events.js';
import { flushOutbox, type FlushOptions } from './flush.js';
import { activeEndpoint, byCreation, dueAt, earliestDue, nextPending, type Queue } from './queue.js';
import { Sender, type SenderOptions } from './sender.js';
import { Waiter } from './waiter.js';

export interface DispatcherOptions extends SenderOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Delay before each retry, in ms; after the last one a delivery is failed. */
  retries: number[];
  /** The scopes a subscription needs to receive an event. */
  scopesOf: (event: string) => readonly string[];
  /** Told of every delivery after each attempt, and when one is queued again (GET /_mock/stream). */
  feed?: Feed;
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
 * No attempt outlives its deadline, and no endpoint shares sockets with another (see Sender).
 */
export class Dispatcher {
  private queues = new Map<string, Queue>();
  private busy = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private scheduled = false;
  private closed = false;
  private readonly changes = new Waiter();
  private readonly sender: Sender;
  /** Size at which a workspace's delivery records are looked at again for pruning. */
  private readonly pruneAt = new WeakMap<Workspace, number>();
  private readonly unsubscribe: () => void;

  constructor(private readonly opts: DispatcherOptions) {
    this.sender = new Sender(opts);
    this.unsubscribe = opts.clock.onChange(() => {
      this.kick();
      this.changes.notify();
    });
  }

  /** Stores a delivery for every subscription that takes each event of these mutations. */
  enqueueMutations(ws: Workspace, mutations: Mutation[]): number {
    let count = 0;
    for (const m of mutations) for (const e of eventsFor(m)) count += this.enqueue(ws, e.event, e.data).deliveries;
    return count;
  }

  /** Stores the event's deliveries (inside the store's transaction; kick after it commits). */
  enqueue(ws: Workspace, event: string, data: Record<string, unknown>): { event: WebhookEvent; deliveries: number } {
    const now = this.opts.clock.iso();
    const payload: WebhookEvent = { id: ws.newId('evt_'), event, timestamp: now, data };
    const needed = this.opts.scopesOf(event);
    let deliveries = 0;
    for (const hook of ws.collections.webhooks.values()) {
      if (!hook.active || !subscribed(hook, event, needed)) continue;
      const q = this.queueOf(ws, hook.id);
      // A dead endpoint's backlog is capped: past it, a delivery is recorded as failed at once.
      const full = q.ids.length >= LIMITS.pendingPerEndpoint;
      const delivery: Rec = {
        id: ws.newId('dlv_'),
        webhook_id: hook.id,
        event_id: payload.id,
        event,
        status: full ? 'failed' : 'pending',
        attempts: 0,
        response_status: null,
        error: full ? `Not sent: ${LIMITS.pendingPerEndpoint} deliveries to this endpoint were already pending.` : null,
        next_attempt_at: full ? null : now,
        payload,
        history: [],
        created_at: now,
        updated_at: now,
      };
      ws.collections.deliveries.put(delivery);
      if (!full) this.queueUp(q, delivery.id);
      deliveries++;
    }
    if (deliveries) this.prune(ws);
    return { event: payload, deliveries };
  }

  /** Queues a delivery with the transaction that stores it: it can go out only once that has landed. */
  private queueUp(q: Queue, id: string): void {
    q.ids.push(id);
    this.opts.store.track(
      () => {
        const at = q.ids.lastIndexOf(id);
        if (at >= 0) q.ids.splice(at, 1);
      },
      () => q.ids.push(id),
    );
  }

  /**
   * Keeps at most LIMITS.deliveriesPerWorkspace finished delivery records, dropping the oldest
   * (in batches of a tenth); pending ones are bounded by the per-endpoint backlog instead.
   */
  private prune(ws: Workspace): void {
    const records = ws.collections.deliveries;
    const max = LIMITS.deliveriesPerWorkspace;
    if (records.size <= (this.pruneAt.get(ws) ?? max + Math.ceil(max / 10))) return;
    const finished = records
      .values()
      .filter((d) => d.status !== 'pending')
      .sort(byCreation);
    for (const d of finished.slice(0, Math.max(0, finished.length - max))) records.remove(d.id);
    // Mostly pending: look again only after another batch, not on every write.
    this.pruneAt.set(ws, records.size + Math.ceil(max / 10));
  }

  /** Queues what is pending in a workspace (after a restart with --data, or a restore). */
  recover(ws: Workspace): void {
    const pending = ws.collections.deliveries
      .values()
      .filter((d) => d.status === 'pending')
      .sort(byCreation);
    for (const d of pending) {
      const q = this.queueOf(ws, String(d.webhook_id));
      if (!q.ids.includes(d.id)) q.ids.push(d.id);
    }
    this.kick();
  }

  private queueOf(ws: Workspace, webhookId: string): Queue {
    const key = `${ws.id}/${webhookId}`;
    let q = this.queues.get(key);
    if (!q || q.ws !== ws) {
      q = { ws, ids: [], pausedUntil: 0 };
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

  /** Starts the due head of every idle endpoint (up to the in-flight cap) and sets a timer for the next. */
  private drain(): void {
    if (this.closed) return;
    const now = this.opts.clock.now();
    const real = performance.now();
    let nextDue = Infinity;
    let nextReal = Infinity;
    for (const [key, q] of this.queues) {
      if (this.busy.has(key)) continue;
      const head = nextPending(q);
      if (!head) {
        this.queues.delete(key);
        continue;
      }
      const hook = activeEndpoint(q, head);
      if (!hook) continue;
      const due = dueAt(head);
      if (due > now) nextDue = Math.min(nextDue, due);
      else if (q.pausedUntil > real) nextReal = Math.min(nextReal, q.pausedUntil);
      else if (this.busy.size < LIMITS.attemptsInFlight) this.start(key, q, head, hook);
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    const wait = Math.min(nextReal - real, this.opts.clock.frozen ? Infinity : nextDue - now);
    if (wait !== Infinity) {
      this.timer = setTimeout(() => this.kick(), Math.max(0, Math.min(wait, 2 ** 31 - 1)));
      this.timer.unref();
    }
  }

  private start(key: string, q: Queue, d: Rec, hook: Rec): void {
    this.busy.add(key);
    this.changes.notify();
    this.attempt(key, q, d, hook).catch((err: unknown) => this.opts.logger.error('a webhook attempt failed unexpectedly', err));
  }

  /** One POST, its record, then straight on to the endpoint's next due delivery (no scheduling hop). */
  private async attempt(key: string, q: Queue, d: Rec, hook: Rec): Promise<void> {
    try {
      const result = await this.sender.send(key, hook, d);
      if (result.error) this.opts.logger.debug(`webhook ${String(hook.url)} ${String(d.event)}: ${result.error}`);
      await this.record(q, d.id, result);
    } catch (err) {
      this.opts.logger.error('could not record a webhook attempt', err);
      q.pausedUntil = performance.now() + 1_000;
    } finally {
      this.busy.delete(key);
      this.changes.notify();
      this.startNext(key, q);
    }
  }

  /** Stores an attempt on its delivery, if the delivery is still held and pending. */
  private async record(q: Queue, id: string, result: AttemptResult): Promise<void> {
    const { store, retries, clock } = this.opts;
    const saved = await store.transaction(() => {
      // A reset or restore since replaced the workspace: this delivery is no longer held.
      if (store.current(q.ws.id) !== q.ws) return undefined;
      const latest = q.ws.collections.deliveries.get(id);
      if (latest?.status !== 'pending') return undefined;
      const next = recordAttempt(latest, result, retries, clock.now(), clock.iso());
      q.ws.collections.deliveries.put(next);
      return next;
    });
    if (saved) this.tell(q.ws, saved);
  }

  /** Tells the feed of a delivery as it now stands (after it is stored). */
  tell(ws: Workspace, delivery: Rec): void {
    this.opts.feed?.emit('delivery', () => ({ workspace_id: ws.id, delivery }), ws.id);
  }

  /**
   * A delivery's event again, to the same subscription, as a new pending delivery (Stripe's
   * "Resend"; inside the store's transaction, kick after it commits). Undefined when the
   * subscription is gone or inactive: nothing would send it.
   */
  redeliver(ws: Workspace, original: Rec): Rec | undefined {
    const hook = ws.collections.webhooks.get(String(original.webhook_id));
    if (!hook?.active) return undefined;
    const now = this.opts.clock.iso();
    const q = this.queueOf(ws, hook.id);
    const full = q.ids.length >= LIMITS.pendingPerEndpoint;
    const delivery: Rec = {
      ...original,
      id: ws.newId('dlv_'),
      status: full ? 'failed' : 'pending',
      attempts: 0,
      response_status: null,
      error: full ? `Not sent: ${LIMITS.pendingPerEndpoint} deliveries to this endpoint were already pending.` : null,
      next_attempt_at: full ? null : now,
      history: [],
      created_at: now,
      updated_at: now,
    };
    ws.collections.deliveries.put(delivery);
    if (!full) this.queueUp(q, delivery.id);
    this.prune(ws);
    return delivery;
  }

  /** After an attempt: the endpoint's next delivery at once if it is due, else a scheduling pass. */
  private startNext(key: string, q: Queue): void {
    const next = this.closed || this.queues.get(key) !== q || q.pausedUntil > performance.now() ? undefined : nextPending(q);
    const hook = next && activeEndpoint(q, next);
    if (next && hook && dueAt(next) <= this.opts.clock.now()) this.start(key, q, next, hook);
    else this.kick();
  }

  /**
   * Resolves once nothing is in flight and nothing is due; with `advanceClock`, moves the mock
   * clock to each pending retry in turn until every delivery has ended (see flushOutbox).
   */
  async flush(options: FlushOptions = {}): Promise<{ timedOut: boolean }> {
    return flushOutbox(
      {
        clock: this.opts.clock,
        closed: () => this.closed,
        inFlight: () => this.busy.size,
        drain: () => this.drain(),
        earliestDue: () => earliestDue(this.queues.values()),
        nextChange: (ms) => this.changes.next(ms),
      },
      options,
    );
  }

  counts(workspaces: Workspace[]): OutboxCounts {
    const out: OutboxCounts = { pending: 0, succeeded: 0, failed: 0 };
    for (const ws of workspaces) for (const d of ws.collections.deliveries.values()) out[d.status as keyof OutboxCounts]++;
    return out;
  }

  /** Forget every queue, or one workspace's (after a reset) — the store no longer holds those deliveries. */
  clear(workspaceId?: string): void {
    if (workspaceId === undefined) this.queues.clear();
    else for (const key of [...this.queues.keys()]) if (key.startsWith(`${workspaceId}/`)) this.queues.delete(key);
    this.changes.notify();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.unsubscribe();
    this.sender.close();
    this.changes.notify();
  }
}
