import { afterEach, describe, expect, it } from 'vitest';
import { harness } from '../helpers/harness.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';

const open: Receiver[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});

/** A fresh app with one subscription to every event; `events()` flushes the outbox and lists what arrived. */
async function subscribed() {
  const receiver = await startReceiver();
  open.push(receiver);
  const h = await harness();
  expect((await h.call('POST', '/v1/webhooks', { body: { url: receiver.url, events: ['*'] } })).status).toBe(201);
  const events = async () => {
    await h.call('POST', '/_mock/webhooks/flush', { key: null, body: {} });
    return receiver.received.map((r) => [r.json.event, r.json.data.id, r.json.data.assignee_id ?? null]);
  };
  return { h, events };
}

describe('ticket.assigned', () => {
  it('a ticket created with an assignee fires ticket.created and ticket.assigned, with the record', async () => {
    const { h, events } = await subscribed();
    const ticket = (await h.call('POST', '/v1/tickets', { body: { subject: 'Assigned at birth', assignee_id: 'user_124' } })).body.data;
    expect(await events()).toEqual([
      ['ticket.created', ticket.id, 'user_124'],
      ['ticket.assigned', ticket.id, 'user_124'],
    ]);
  });

  it('a ticket created without an assignee fires ticket.created only', async () => {
    const { h, events } = await subscribed();
    const ticket = (await h.call('POST', '/v1/tickets', { body: { subject: 'Nobody yet' } })).body.data;
    expect(await events()).toEqual([['ticket.created', ticket.id, null]]);
  });

  it('setting the same assignee again fires ticket.updated only, by PATCH and by PUT', async () => {
    const { h, events } = await subscribed();
    const ticket = (await h.call('POST', '/v1/tickets', { body: { subject: 'Same again', assignee_id: 'user_124' } })).body.data;
    expect((await h.call('PATCH', `/v1/tickets/${ticket.id}`, { body: { assignee_id: 'user_124' } })).status).toBe(200);
    expect(
      (await h.call('PUT', `/v1/tickets/${ticket.id}`, { body: { subject: 'Same again', status: 'open', priority: 'normal', assignee_id: 'user_124' } }))
        .status,
    ).toBe(200);
    // A different assignee is an assignment again.
    await h.call('PATCH', `/v1/tickets/${ticket.id}`, { body: { assignee_id: 'user_123' } });
    expect((await events()).map(([event]) => event)).toEqual([
      'ticket.created',
      'ticket.assigned',
      'ticket.updated',
      'ticket.updated',
      'ticket.updated',
      'ticket.assigned',
    ]);
  });
});
