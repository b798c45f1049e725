import type { Workspace } from '../store/workspace.js';
import type { Rec } from '../store/types.js';

/** An endpoint's pending delivery ids, oldest first. */
export interface Queue {
  ws: Workspace;
  ids: string[];
  /** After its attempt could not be recorded (--data failing): real time before the next one. */
  pausedUntil: number;
}

/** Oldest first (by instant, not spelling: a restored `…:00.500Z` comes after `…:00Z`), ties by id. */
export const byCreation = (a: Rec, b: Rec) => Date.parse(String(a.created_at)) - Date.parse(String(b.created_at)) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The stored, still pending delivery at the head of a queue (stale ids are dropped). */
export function nextPending(q: Queue): Rec | undefined {
  while (q.ids.length) {
    const d = q.ws.collections.deliveries.get(q.ids[0]!);
    if (d && d.status === 'pending') return d;
    q.ids.shift();
  }
  return undefined;
}

/** The subscription a delivery goes to, if it is still active. */
export function activeEndpoint(q: Queue, d: Rec): Rec | undefined {
  const hook = q.ws.collections.webhooks.get(String(d.webhook_id));
  return hook?.active ? hook : undefined;
}

/**
 * When a delivery's next attempt is due, on the mock clock (ms since the epoch). A pending one
 * without a time (a restored snapshot may hold `next_attempt_at: null`) is due now: 0.
 */
export const dueAt = (d: Rec): number => (d.next_attempt_at == null ? 0 : Date.parse(String(d.next_attempt_at)) || 0);

/** Earliest due time among the queue heads of active endpoints (Infinity when there is none). */
export function earliestDue(queues: Iterable<Queue>): number {
  let earliest = Infinity;
  for (const q of queues) {
    const head = nextPending(q);
    if (!head || !activeEndpoint(q, head)) continue;
    earliest = Math.min(earliest, dueAt(head));
  }
  return earliest;
}
