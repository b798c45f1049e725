import type { Operation } from '../openapi/operations.js';
import type { Mutation } from '../resources/engine.js';
import type { Rec } from '../store/types.js';

export interface WebhookEvent {
  id: string;
  event: string;
  timestamp: string;
  data: Record<string, unknown>;
}

/** The events of a committed mutation (its descriptor decided them), each with the record. */
export function eventsFor(m: Mutation): { event: string; data: Rec }[] {
  return m.events.map((event) => ({ event, data: m.record }));
}

/** The operation that reads the resource an event is about (`ticket.created` → getTicket). */
export function readOperationOf(operations: readonly Operation[], event: string): Operation | undefined {
  const resource = event.split('.')[0] ?? '';
  const id = `get${resource.charAt(0).toUpperCase()}${resource.slice(1)}`;
  return operations.find((o) => o.id === id);
}

/**
 * The scopes needed to receive an event: those of reading its resource, per openapi.yaml.
 * Every event type has such an operation (checked at start), so nothing falls through open.
 */
export function scopesOfEvent(operations: readonly Operation[], event: string): readonly string[] {
  const op = readOperationOf(operations, event);
  if (!op) throw new Error(`openapi.yaml has no operation that reads the resource of '${event}'.`);
  return op.scopes;
}

/**
 * Does a subscription take this event? It must ask for it (or `*`), and the scopes it was
 * last written with must read it (subscriptions from before scopes were recorded read all).
 */
export function subscribed(hook: Rec, event: string, needed: readonly string[]): boolean {
  const events = hook.events;
  if (!Array.isArray(events) || !(events.includes('*') || events.includes(event))) return false;
  const scopes = hook.scopes;
  return !Array.isArray(scopes) || needed.every((s) => scopes.includes(s));
}
