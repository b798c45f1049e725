import type { Mutation } from '../resources/engine.js';
import type { Rec } from '../store/types.js';

export interface WebhookEvent {
  id: string;
  event: string;
  timestamp: string;
  data: Record<string, unknown>;
}

/** Resources whose changes are events (users, webhooks and deliveries are not). */
const EVENTFUL = new Set(['ticket', 'contact', 'conversation', 'message']);

/** The events a committed mutation produces: `<resource>.<created|updated|deleted>`, plus `ticket.assigned`. */
export function eventsFor(m: Mutation): { event: string; data: Rec }[] {
  if (!EVENTFUL.has(m.resource)) return [];
  const out = [{ event: `${m.resource}.${m.kind}`, data: m.record }];
  if (m.resource === 'ticket' && m.kind === 'updated' && m.record.assignee_id && m.record.assignee_id !== m.previous?.assignee_id) {
    out.push({ event: 'ticket.assigned', data: m.record });
  }
  return out;
}

/** Does a subscription's event list take this event? */
export function subscribed(events: unknown, event: string): boolean {
  return Array.isArray(events) && (events.includes('*') || events.includes(event));
}
