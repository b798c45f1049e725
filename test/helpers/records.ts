/** A pending ticket.created delivery as a snapshot stores it, for tests that restore or break one. */
export function pendingDelivery(id: string, webhookId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const at = '2026-07-01T12:00:00Z';
  const eventId = `evt_${id.replace(/^dlv_/, '')}`;
  return {
    id,
    webhook_id: webhookId,
    event_id: eventId,
    event: 'ticket.created',
    status: 'pending',
    attempts: 0,
    response_status: null,
    error: null,
    next_attempt_at: at,
    history: [],
    created_at: at,
    updated_at: at,
    payload: { id: eventId, event: 'ticket.created', timestamp: at, data: {} },
    ...overrides,
  };
}
