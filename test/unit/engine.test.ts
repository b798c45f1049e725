import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClock } from '../../src/clock.js';
import { DEFAULT_FIXTURES } from '../../src/config.js';
import { ApiError } from '../../src/errors.js';
import { buildOperations, type Operation } from '../../src/openapi/operations.js';
import { loadSpec, type Spec } from '../../src/openapi/spec.js';
import type { ValidInput } from '../../src/openapi/validator.js';
import type { WriteContext } from '../../src/resources/descriptors.js';
import { ResourceEngine, type Mutation } from '../../src/resources/engine.js';
import { Store } from '../../src/store/store.js';
import { ALL_SCOPES, type Rec } from '../../src/store/types.js';
import type { Workspace } from '../../src/store/workspace.js';

const START = Date.parse('2026-07-01T12:00:00Z');
const INHERITED = ['__proto__', 'toString', 'constructor', 'hasOwnProperty', 'valueOf'];

let spec: Spec;
let operations: Operation[];
const opOf = (id: string) => {
  const op = operations.find((o) => o.id === id);
  if (!op) throw new Error(`no operation ${id}`);
  return op;
};

beforeAll(async () => {
  spec = await loadSpec();
  operations = buildOperations(spec);
});

/** What a thrown ApiError answers (fails the test when something else was thrown, or nothing). */
async function apiErrorOf(work: () => unknown): Promise<{ status: number; body: ReturnType<ApiError['toJSON']>['error'] }> {
  let thrown: unknown;
  try {
    await work();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(ApiError);
  const err = thrown as ApiError;
  return { status: err.status, body: err.toJSON().error };
}

describe('ResourceEngine', () => {
  const clock = createClock();
  let store: Store;
  let ws: Workspace;
  let owner: string;
  let outboxed: Mutation[][];
  let committed: Mutation[][];
  let engine: ResourceEngine;

  const ctx = (): WriteContext => ({ ws, userId: owner, scopes: new Set(ALL_SCOPES), now: clock.iso() });
  const input = (body: Record<string, unknown> = {}, params: Record<string, string> = {}, query: Record<string, unknown> = {}): ValidInput => ({
    body,
    params,
    query,
  });

  const create = (resource: string, opId: string, body: Record<string, unknown>, params: Record<string, string> = {}) =>
    engine.create(ws, resource, opOf(opId), ctx(), input(body, params));
  const patch = (resource: string, opId: string, id: string, body: Record<string, unknown>) =>
    engine.update(ws, resource, opOf(opId), ctx(), input(body, { id }), true);
  const put = (resource: string, opId: string, id: string, body: Record<string, unknown>) =>
    engine.update(ws, resource, opOf(opId), ctx(), input(body, { id }), false);
  const list = (resource: string, opId: string, query: Record<string, unknown> = {}, params: Record<string, string> = {}, search = '') => {
    const op = opOf(opId);
    return engine.list(ws, resource, op, input({}, params, { ...op.queryDefaults, ...query }), op.path, search);
  };
  /** Puts a record straight into the workspace (a second user, say). */
  const seed = (collection: 'users' | 'contacts', record: Record<string, unknown>) =>
    store.transaction(() => ws.collections[collection].put({ created_at: clock.iso(), updated_at: clock.iso(), ...record } as Rec));

  beforeEach(async () => {
    clock.freeze(START);
    store = await Store.open({
      fixtures: { dir: DEFAULT_FIXTURES, seed: 1 },
      clock,
      plan: 'starter',
      maxWorkspaces: 5,
      maxApiKeys: 10,
      maxRecords: 1000,
    });
    const data = await store.freshData({ id: 'ws_engine', name: 'Engine', created_at: clock.iso() }, 3, 'empty');
    ws = await store.transaction(() => store.addWorkspace(data));
    owner = ws.data.workspace.owner_id;
    outboxed = [];
    committed = [];
    engine = new ResourceEngine({
      spec,
      store,
      clock,
      outbox: (_ws, mutations) => void outboxed.push(mutations),
      onCommit: (mutations) => void committed.push(mutations),
    });
  });

  describe('create and get', () => {
    it('a new ticket: an id of its kind, the spec defaults, the timestamps of now, keys in the spec order', async () => {
      const ticket = await create('tickets', 'createTicket', { subject: 'Printer on fire' });
      expect(ticket.id).toMatch(/^ticket_\w+$/);
      expect(ticket).toEqual({
        id: ticket.id,
        subject: 'Printer on fire',
        description: null,
        status: 'open',
        priority: 'normal',
        assignee_id: null,
        contact_id: null,
        conversation_id: null,
        tags: [],
        created_at: '2026-07-01T12:00:00Z',
        updated_at: '2026-07-01T12:00:00Z',
      });
      expect(Object.keys(ticket)).toEqual([
        'id',
        'subject',
        'description',
        'status',
        'priority',
        'assignee_id',
        'contact_id',
        'conversation_id',
        'tags',
        'created_at',
        'updated_at',
      ]);
      expect(engine.get(ws, 'tickets', { id: ticket.id })).toEqual(ticket);
    });

    it('the caller cannot choose the id or the timestamps', async () => {
      const ticket = await create('tickets', 'createTicket', { subject: 'x', id: 'ticket_mine', created_at: '2000-01-01T00:00:00Z' });
      expect(ticket.id).not.toBe('ticket_mine');
      expect(ticket.created_at).toBe('2026-07-01T12:00:00Z');
    });

    it('every create gets a new id', async () => {
      const ids = new Set<string>();
      for (let i = 0; i < 5; i++) ids.add((await create('contacts', 'createContact', { email: `c${i}@example.com` })).id);
      expect(ids.size).toBe(5);
    });

    it('a create is returned for the webhooks: to the outbox in the commit, then to onCommit', async () => {
      const ticket = await create('tickets', 'createTicket', { subject: 'Hello' });
      const expected: Mutation = { kind: 'created', events: ['ticket.created'], resource: 'ticket', workspaceId: 'ws_engine', record: ticket };
      expect(outboxed).toEqual([[expected]]);
      expect(committed).toEqual([[expected]]);
    });

    it('a reference to a record that does not exist is a 422 invalid_reference, and nothing is written or emitted', async () => {
      const { status, body } = await apiErrorOf(() => create('tickets', 'createTicket', { subject: 'x', assignee_id: 'user_nope' }));
      expect(status).toBe(422);
      expect(body).toMatchObject({ type: 'invalid_request_error', code: 'invalid_reference', param: 'assignee_id' });
      expect(ws.collections.tickets.size).toBe(0);
      expect(committed).toEqual([]);
    });

    it('a unique field clashes case-insensitively (422 already_exists)', async () => {
      const first = await create('contacts', 'createContact', { email: 'jane@example.com' });
      const { status, body } = await apiErrorOf(() => create('contacts', 'createContact', { email: 'JANE@example.com' }));
      expect(status).toBe(422);
      expect(body).toMatchObject({ code: 'already_exists', param: 'email' });
      expect(body.message).toContain(first.id);
      expect(ws.collections.contacts.size).toBe(1);
    });

    it('a collection full (--max-records) is a 422 limit_reached', async () => {
      engine = new ResourceEngine({ spec, store, clock, maxRecords: 2 });
      await create('contacts', 'createContact', { email: 'a@example.com' });
      await create('contacts', 'createContact', { email: 'b@example.com' });
      const { status, body } = await apiErrorOf(() => create('contacts', 'createContact', { email: 'c@example.com' }));
      expect(status).toBe(422);
      expect(body.code).toBe('limit_reached');
      expect(ws.collections.contacts.size).toBe(2);
    });

    it('the vet hook sees the write first and may refuse it', async () => {
      const seen: [string, Record<string, unknown>][] = [];
      engine = new ResourceEngine({
        spec,
        store,
        clock,
        vet: (resource, _ctx, body) => {
          seen.push([resource, body]);
          if (body.subject === 'refused') throw new ApiError(403, 'authorization_error', 'missing_scope', 'no');
        },
      });
      await create('tickets', 'createTicket', { subject: 'fine' });
      const { status } = await apiErrorOf(() => create('tickets', 'createTicket', { subject: 'refused' }));
      expect(status).toBe(403);
      expect(seen).toEqual([
        ['tickets', { subject: 'fine' }],
        ['tickets', { subject: 'refused' }],
      ]);
      expect(ws.collections.tickets.size).toBe(1);
    });

    it('a write into a workspace deleted meanwhile is a 404 and changes nothing', async () => {
      await store.transaction(() => store.deleteWorkspace('ws_engine'));
      const { status, body } = await apiErrorOf(() => create('tickets', 'createTicket', { subject: 'late' }));
      expect(status).toBe(404);
      expect(body.code).toBe('resource_not_found');
      expect(committed).toEqual([]);
    });
  });

  describe('hidden fields (webhooks)', () => {
    it('the secret is shown by the create only, the scopes never, and the mutation carries neither', async () => {
      const created = await create('webhooks', 'createWebhook', { url: 'https://example.com/hook', events: ['ticket.created'] });
      expect(created.secret).toMatch(/^whsec_/);
      expect(created).not.toHaveProperty('scopes');
      const shown = engine.get(ws, 'webhooks', { id: created.id });
      expect(shown).not.toHaveProperty('secret');
      expect(shown).not.toHaveProperty('scopes');
      expect(shown).toMatchObject({ url: 'https://example.com/hook', events: ['ticket.created'], active: true, description: null });
      // Stored all the same: the secret signs deliveries, the scopes filter them.
      expect(ws.collections.webhooks.get(created.id)).toMatchObject({ secret: created.secret, scopes: [...ALL_SCOPES].sort() });
      const [mutation] = committed[0]!;
      expect(mutation!.record).not.toHaveProperty('secret');
      expect(mutation!.events).toEqual([]);
      expect(list('webhooks', 'listWebhooks').data[0]).not.toHaveProperty('secret');
    });

    it('an update keeps the secret and re-stamps the scopes of the last writer', async () => {
      const created = await create('webhooks', 'createWebhook', { url: 'https://example.com/hook', events: ['ticket.created'] });
      const scopes = new Set(['read:tickets']);
      await engine.update(ws, 'webhooks', opOf('updateWebhook'), { ...ctx(), scopes }, input({ active: false }, { id: created.id }), true);
      expect(ws.collections.webhooks.get(created.id)).toMatchObject({ secret: created.secret, scopes: ['read:tickets'], active: false });
    });
  });

  describe('list', () => {
    const make = async () => {
      const out: Rec[] = [];
      for (const [subject, priority] of [
        ['Alpha', 'low'],
        ['Bravo', 'urgent'],
        ['Charlie billing', 'normal'],
      ] as const) {
        out.push(await create('tickets', 'createTicket', { subject, priority, status: subject === 'Bravo' ? 'closed' : 'open' }));
        clock.advance(60_000);
      }
      return out;
    };

    it('newest first by default, with the page envelope', async () => {
      const [a, b, c] = await make();
      const page = list('tickets', 'listTickets');
      expect(page.data.map((t) => t.id)).toEqual([c!.id, b!.id, a!.id]);
      expect(page.meta).toEqual({ current_page: 1, per_page: page.meta.per_page, total_pages: 1, total_count: 3 });
      expect(page.links.next).toBeNull();
    });

    it('filters, searches, sorts by the spec enum order and pages', async () => {
      const [a, , c] = await make();
      expect(list('tickets', 'listTickets', { status: ['open'] }).data.map((t) => t.id)).toEqual([c!.id, a!.id]);
      expect(list('tickets', 'listTickets', { q: 'billing' }).data.map((t) => t.id)).toEqual([c!.id]);
      // Priority sorts low < normal < high < urgent (the enum order), not alphabetically.
      expect(list('tickets', 'listTickets', { sort: 'priority', order: 'asc' }).data.map((t) => t.priority)).toEqual(['low', 'normal', 'urgent']);
      const second = list('tickets', 'listTickets', { per_page: 2, page: 2 }, {}, 'per_page=2&page=2');
      expect(second.data.map((t) => t.id)).toEqual([a!.id]);
      expect(second.meta).toMatchObject({ current_page: 2, per_page: 2, total_pages: 2, total_count: 3 });
      expect(second.links.prev).toBe('/v1/tickets?per_page=2&page=1');
    });

    it('a list sees the writes made since the last list', async () => {
      await make();
      expect(list('tickets', 'listTickets').meta.total_count).toBe(3);
      await create('tickets', 'createTicket', { subject: 'Delta' });
      expect(list('tickets', 'listTickets').meta.total_count).toBe(4);
    });

    it("a nested list holds only its parent's records; an unknown parent is a 404", async () => {
      const one = await create('conversations', 'createConversation', { subject: 'One' });
      const two = await create('conversations', 'createConversation', { subject: 'Two' });
      const m1 = await create('messages', 'createMessage', { body: 'first' }, { id: one.id });
      await create('messages', 'createMessage', { body: 'elsewhere' }, { id: two.id });
      expect(list('messages', 'listMessages', {}, { id: one.id }).data.map((m) => m.id)).toEqual([m1.id]);
      for (const id of ['conv_nope', ...INHERITED]) {
        const { status, body } = await apiErrorOf(() => list('messages', 'listMessages', {}, { id }));
        expect(status).toBe(404);
        expect(body).toMatchObject({ code: 'resource_not_found', param: 'id' });
      }
    });
  });

  describe('update', () => {
    it('PATCH changes only what is given; updated_at moves, created_at stays; the mutation has the previous state', async () => {
      const ticket = await create('tickets', 'createTicket', { subject: 'Old', tags: ['vip'], description: 'keep me' });
      committed = [];
      clock.advance(5 * 60_000);
      const updated = await patch('tickets', 'updateTicket', ticket.id, { subject: 'New' });
      expect(updated).toEqual({ ...ticket, subject: 'New', updated_at: '2026-07-01T12:05:00Z' });
      expect(engine.get(ws, 'tickets', { id: ticket.id })).toEqual(updated);
      expect(committed).toEqual([
        [{ kind: 'updated', events: ['ticket.updated'], resource: 'ticket', workspaceId: 'ws_engine', record: updated, previous: ticket }],
      ]);
    });

    it('PUT sends fields left out back to their defaults', async () => {
      const ticket = await create('tickets', 'createTicket', { subject: 'Old', tags: ['vip'], description: 'gone after PUT', priority: 'high' });
      const replaced = await put('tickets', 'replaceTicket', ticket.id, { subject: 'New', status: 'pending', priority: 'low' });
      expect(replaced).toMatchObject({
        id: ticket.id,
        subject: 'New',
        status: 'pending',
        priority: 'low',
        tags: [],
        description: null,
        created_at: ticket.created_at,
      });
    });

    it('the id and created_at cannot be changed', async () => {
      const ticket = await create('tickets', 'createTicket', { subject: 'x' });
      const updated = await patch('tickets', 'updateTicket', ticket.id, { id: 'ticket_other', created_at: '2000-01-01T00:00:00Z' });
      expect(updated.id).toBe(ticket.id);
      expect(updated.created_at).toBe(ticket.created_at);
      expect(ws.collections.tickets.has('ticket_other')).toBe(false);
    });

    it('an update to an unknown id is a 404 naming the resource, and emits nothing', async () => {
      const { status, body } = await apiErrorOf(() => patch('tickets', 'updateTicket', 'ticket_nope', { subject: 'x' }));
      expect(status).toBe(404);
      expect(body).toEqual({ type: 'not_found_error', code: 'resource_not_found', message: "No ticket with id 'ticket_nope' exists.", param: 'id' });
      expect(committed).toEqual([]);
    });

    it('a failed check leaves the record as it was', async () => {
      const ticket = await create('tickets', 'createTicket', { subject: 'x' });
      const { status } = await apiErrorOf(() => patch('tickets', 'updateTicket', ticket.id, { subject: 'y', contact_id: 'contact_nope' }));
      expect(status).toBe(422);
      expect(engine.get(ws, 'tickets', { id: ticket.id })).toEqual(ticket);
    });
  });

  describe('ticket.assigned (the tickets descriptor hook)', () => {
    const events = () => committed.flat().map((m) => m.events);

    beforeEach(async () => {
      await seed('users', { id: 'user_other', email: 'other@company.com', name: 'Other', role: 'agent' });
    });

    it('a new assignee emits ticket.updated and ticket.assigned', async () => {
      const ticket = await create('tickets', 'createTicket', { subject: 'x' });
      committed = [];
      await patch('tickets', 'updateTicket', ticket.id, { assignee_id: owner });
      expect(events()).toEqual([['ticket.updated', 'ticket.assigned']]);
    });

    it('re-assigning to someone else assigns again', async () => {
      const ticket = await create('tickets', 'createTicket', { subject: 'x', assignee_id: owner });
      committed = [];
      await patch('tickets', 'updateTicket', ticket.id, { assignee_id: 'user_other' });
      expect(events()).toEqual([['ticket.updated', 'ticket.assigned']]);
    });

    it.each([
      ['the same assignee again', (owner: string) => ({ assignee_id: owner })],
      ['another field changed', () => ({ status: 'pending' })],
      ['unassigned (null)', () => ({ assignee_id: null })],
    ])('%s: ticket.updated only', async (_what, change) => {
      const ticket = await create('tickets', 'createTicket', { subject: 'x', assignee_id: owner });
      committed = [];
      await patch('tickets', 'updateTicket', ticket.id, change(owner));
      expect(events()).toEqual([['ticket.updated']]);
    });

    it('a ticket created with an assignee emits ticket.created and ticket.assigned; without one, ticket.created only', async () => {
      await create('tickets', 'createTicket', { subject: 'x', assignee_id: owner });
      await create('tickets', 'createTicket', { subject: 'y' });
      await create('tickets', 'createTicket', { subject: 'z', assignee_id: null });
      expect(events()).toEqual([['ticket.created', 'ticket.assigned'], ['ticket.created'], ['ticket.created']]);
    });

    it('deleting an assigned ticket emits ticket.deleted only', async () => {
      const ticket = await create('tickets', 'createTicket', { subject: 'x', assignee_id: owner });
      committed = [];
      await engine.remove(ws, 'tickets', ctx(), { id: ticket.id });
      expect(events()).toEqual([['ticket.deleted']]);
    });

    it('PUT that keeps the assignee does not assign; PUT that leaves it out unassigns without assigning', async () => {
      const ticket = await create('tickets', 'createTicket', { subject: 'x', assignee_id: owner });
      committed = [];
      await put('tickets', 'replaceTicket', ticket.id, { subject: 'x', status: 'open', priority: 'normal', assignee_id: owner });
      await put('tickets', 'replaceTicket', ticket.id, { subject: 'x', status: 'open', priority: 'normal' });
      expect(events()).toEqual([['ticket.updated'], ['ticket.updated']]);
      expect(engine.get(ws, 'tickets', { id: ticket.id }).assignee_id).toBeNull();
    });
  });

  describe('messages (nested, with hooks)', () => {
    it('a message belongs to its conversation, is authored by the caller, and updates the conversation', async () => {
      const conv = await create('conversations', 'createConversation', { subject: 'Help' });
      expect(conv).toMatchObject({ message_count: 0, last_message_at: null, last_message_preview: null });
      clock.advance(60_000);
      const msg = await create('messages', 'createMessage', { body: 'Hello there' }, { id: conv.id });
      expect(msg.id).toMatch(/^msg_/);
      expect(msg).toMatchObject({ conversation_id: conv.id, author_type: 'user', author_id: owner, body: 'Hello there' });
      expect(engine.get(ws, 'conversations', { id: conv.id })).toMatchObject({
        message_count: 1,
        last_message_at: msg.created_at,
        last_message_preview: 'Hello there',
        updated_at: '2026-07-01T12:01:00Z',
      });
      expect(committed.at(-1)!.map((m) => m.events)).toEqual([['message.created']]);
      expect(engine.get(ws, 'messages', { id: conv.id, message_id: msg.id })).toEqual(msg);
    });

    it('a conversation is found by the text of its messages, as soon as they are written', async () => {
      const conv = await create('conversations', 'createConversation', { subject: 'Question' });
      expect(list('conversations', 'listConversations', { q: 'xyzzy' }).data).toEqual([]);
      await create('messages', 'createMessage', { body: 'The magic word is XYZZY.' }, { id: conv.id });
      expect(list('conversations', 'listConversations', { q: 'xyzzy' }).data.map((c) => c.id)).toEqual([conv.id]);
    });

    it('a message asked for under another conversation is a 404 naming message_id', async () => {
      const one = await create('conversations', 'createConversation', { subject: 'One' });
      const two = await create('conversations', 'createConversation', { subject: 'Two' });
      const msg = await create('messages', 'createMessage', { body: 'hi' }, { id: one.id });
      const { status, body } = await apiErrorOf(() => engine.get(ws, 'messages', { id: two.id, message_id: msg.id }));
      expect(status).toBe(404);
      expect(body).toMatchObject({ code: 'resource_not_found', param: 'message_id' });
    });

    it('a message in a conversation that does not exist is a 404 naming the conversation', async () => {
      const { status, body } = await apiErrorOf(() => create('messages', 'createMessage', { body: 'hi' }, { id: 'conv_nope' }));
      expect(status).toBe(404);
      expect(body.message).toBe("No conversation with id 'conv_nope' exists.");
      expect(ws.collections.messages.size).toBe(0);
    });
  });

  describe('delete', () => {
    it('removes the record (then a 404) and returns its last state for the webhooks', async () => {
      const ticket = await create('tickets', 'createTicket', { subject: 'Bye' });
      committed = [];
      await engine.remove(ws, 'tickets', ctx(), { id: ticket.id });
      expect(committed).toEqual([[{ kind: 'deleted', events: ['ticket.deleted'], resource: 'ticket', workspaceId: 'ws_engine', record: ticket }]]);
      expect((await apiErrorOf(() => engine.get(ws, 'tickets', { id: ticket.id }))).status).toBe(404);
      expect((await apiErrorOf(() => engine.remove(ws, 'tickets', ctx(), { id: ticket.id }))).status).toBe(404);
      expect(committed).toHaveLength(1);
    });

    it('a conversation takes its messages with it; tickets that referenced it keep existing, unlinked', async () => {
      const conv = await create('conversations', 'createConversation', { subject: 'c' });
      await create('messages', 'createMessage', { body: 'm1' }, { id: conv.id });
      await create('messages', 'createMessage', { body: 'm2' }, { id: conv.id });
      const ticket = await create('tickets', 'createTicket', { subject: 't', conversation_id: conv.id });
      clock.advance(60_000);
      await engine.remove(ws, 'conversations', ctx(), { id: conv.id });
      expect(ws.collections.messages.size).toBe(0);
      expect(engine.get(ws, 'tickets', { id: ticket.id })).toMatchObject({ conversation_id: null, updated_at: '2026-07-01T12:01:00Z' });
    });

    it('a deleted contact is unlinked from the tickets and conversations that named it', async () => {
      const contact = await create('contacts', 'createContact', { email: 'gone@example.com' });
      const ticket = await create('tickets', 'createTicket', { subject: 't', contact_id: contact.id });
      const conv = await create('conversations', 'createConversation', { subject: 'c', contact_id: contact.id });
      await engine.remove(ws, 'contacts', ctx(), { id: contact.id });
      expect(engine.get(ws, 'tickets', { id: ticket.id }).contact_id).toBeNull();
      expect(engine.get(ws, 'conversations', { id: conv.id }).contact_id).toBeNull();
    });
  });

  describe('ids that are names inherited from Object.prototype', () => {
    it.each(INHERITED)('%j is a 404 for get, update and delete, not a crash', async (id) => {
      for (const [resource, message] of [
        ['tickets', 'ticket'],
        ['contacts', 'contact'],
        ['users', 'user'],
        ['webhooks', 'webhook'],
      ] as const) {
        const got = await apiErrorOf(() => engine.get(ws, resource, { id }));
        expect(got).toEqual({
          status: 404,
          body: { type: 'not_found_error', code: 'resource_not_found', message: `No ${message} with id '${id}' exists.`, param: 'id' },
        });
      }
      expect((await apiErrorOf(() => patch('tickets', 'updateTicket', id, { subject: 'x' }))).status).toBe(404);
      expect((await apiErrorOf(() => put('contacts', 'replaceContact', id, { email: 'x@example.com' }))).status).toBe(404);
      expect((await apiErrorOf(() => engine.remove(ws, 'tickets', ctx(), { id }))).status).toBe(404);
      expect(committed).toEqual([]);
    });

    it.each(INHERITED)('%j as a message id or a conversation id is a 404', async (id) => {
      const conv = await create('conversations', 'createConversation', { subject: 'c' });
      expect((await apiErrorOf(() => engine.get(ws, 'messages', { id: conv.id, message_id: id }))).body.param).toBe('message_id');
      expect((await apiErrorOf(() => engine.get(ws, 'messages', { id, message_id: 'msg_1' }))).body.param).toBe('id');
      expect((await apiErrorOf(() => create('messages', 'createMessage', { body: 'x' }, { id }))).status).toBe(404);
    });

    it.each(INHERITED)('%j as a reference is a 422 invalid_reference, not accepted', async (id) => {
      const { status, body } = await apiErrorOf(() => create('tickets', 'createTicket', { subject: 'x', assignee_id: id }));
      expect(status).toBe(422);
      expect(body).toMatchObject({ code: 'invalid_reference', param: 'assignee_id' });
      expect(ws.collections.tickets.size).toBe(0);
    });

    it('the collections stay intact after those lookups', async () => {
      for (const id of INHERITED) await apiErrorOf(() => engine.get(ws, 'tickets', { id }));
      const ticket = await create('tickets', 'createTicket', { subject: 'still fine' });
      expect(list('tickets', 'listTickets').data.map((t) => t.id)).toEqual([ticket.id]);
      expect(ws.collections.tickets.size).toBe(1);
    });
  });

  it('an unknown resource name is a programming error, not an API answer', () => {
    expect(() => engine.get(ws, 'gadgets', { id: 'x' })).toThrow("No resource descriptor 'gadgets'");
  });
});
