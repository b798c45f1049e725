import { beforeEach, describe, expect, it } from 'vitest';
import { harness, type Harness } from '../helpers/harness.js';

let h: Harness;
beforeEach(async () => {
  h = await harness();
});

interface ResourceCase {
  path: string;
  create: Record<string, unknown>;
  createdDefaults: Record<string, unknown>;
  replace: Record<string, unknown>;
  patch: Record<string, unknown>;
  prefix: string;
}

const RESOURCES: Record<string, ResourceCase> = {
  tickets: {
    path: '/v1/tickets',
    prefix: 'ticket_',
    create: { subject: 'Printer on fire', description: 'Smoke', tags: ['hardware'] },
    createdDefaults: { status: 'open', priority: 'normal', assignee_id: null, contact_id: null, conversation_id: null },
    replace: { subject: 'Printer fixed', status: 'resolved', priority: 'low' },
    patch: { priority: 'urgent', assignee_id: 'user_124' },
  },
  contacts: {
    path: '/v1/contacts',
    prefix: 'contact_',
    create: { email: 'new.person@example.com', name: 'New Person', company: 'Example' },
    createdDefaults: { phone: null, tags: [] },
    replace: { email: 'renamed@example.com' },
    patch: { phone: '+1 555 0199' },
  },
  conversations: {
    path: '/v1/conversations',
    prefix: 'conv_',
    create: { subject: 'Where is my order?', contact_id: 'contact_125' },
    createdDefaults: { status: 'open', channel: 'email', assignee_id: null, tags: [], message_count: 0, last_message_at: null, last_message_preview: null },
    replace: { subject: 'Order found', status: 'closed', channel: 'chat' },
    patch: { assignee_id: 'user_123' },
  },
  webhooks: {
    path: '/v1/webhooks',
    prefix: 'wh_',
    create: { url: 'https://example.com/hooks', events: ['ticket.created'] },
    createdDefaults: { active: true, description: null },
    replace: { url: 'http://127.0.0.1:9999/in', events: ['*'] },
    patch: { active: false },
  },
};

describe.each(Object.entries(RESOURCES))('%s CRUD', (_name, r) => {
  it('create → 201 with server-set fields from the clock and spec defaults', async () => {
    const res = await h.call('POST', r.path, { body: r.create });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ ...r.create, ...r.createdDefaults, created_at: '2026-07-01T12:00:00Z', updated_at: '2026-07-01T12:00:00Z' });
    expect(res.body.data.id).toMatch(new RegExp(`^${r.prefix}[a-z0-9]{10}$`));
    expect((await h.get(`${r.path}/${res.body.data.id}`)).body.data.id).toBe(res.body.data.id);
  });

  it('PUT replaces: fields left out go back to their defaults; id and created_at stay', async () => {
    const created = (await h.call('POST', r.path, { body: r.create })).body.data;
    h.clock.advance(60_000);
    const res = await h.call('PUT', `${r.path}/${created.id}`, { body: r.replace });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ ...r.replace, id: created.id, created_at: created.created_at, updated_at: '2026-07-01T12:01:00Z' });
    for (const [k, v] of Object.entries(r.createdDefaults))
      if (!(k in r.replace) && k in r.create === false && !['message_count', 'last_message_at', 'last_message_preview'].includes(k))
        expect(res.body.data[k]).toEqual(v);
    for (const k of Object.keys(r.create)) if (!(k in r.replace) && !(k in r.createdDefaults)) expect(res.body.data[k]).not.toEqual(r.create[k]);
  });

  it('PATCH merges', async () => {
    const created = (await h.call('POST', r.path, { body: r.create })).body.data;
    h.clock.advance(1000);
    const res = await h.call('PATCH', `${r.path}/${created.id}`, { body: r.patch });
    expect(res.status).toBe(200);
    const { updated_at: _u, secret: _s, ...rest } = created;
    expect(res.body.data).toEqual({ ...rest, ...r.patch, updated_at: '2026-07-01T12:00:01Z' });
  });

  it('DELETE → 204 with an empty body, then 404', async () => {
    const created = (await h.call('POST', r.path, { body: r.create })).body.data;
    const res = await h.call('DELETE', `${r.path}/${created.id}`);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect((await h.get(`${r.path}/${created.id}`)).status).toBe(404);
    expect((await h.call('DELETE', `${r.path}/${created.id}`)).status).toBe(404);
    expect((await h.call('PATCH', `${r.path}/${created.id}`, { body: r.patch })).status).toBe(404);
  });

  it('id, created_at and updated_at cannot be written', async () => {
    const created = (await h.call('POST', r.path, { body: r.create })).body.data;
    for (const field of ['id', 'created_at', 'updated_at']) {
      const res = await h.call('PATCH', `${r.path}/${created.id}`, { body: { [field]: 'x' } });
      expect(res.status).toBe(422);
      expect(res.body.error.param).toBe(field);
    }
  });
});

describe('messages', () => {
  it('creating a message updates its conversation', async () => {
    h.clock.advance(5000);
    const res = await h.call('POST', '/v1/conversations/conv_124/messages', { body: { body: 'We refunded the second charge.' } });
    expect(res.status).toBe(201);
    expect(res.body.data).toEqual({
      id: expect.stringMatching(/^msg_/),
      conversation_id: 'conv_124',
      body: 'We refunded the second charge.',
      type: 'comment',
      author_type: 'user',
      author_id: 'user_123',
      created_at: '2026-07-01T12:00:05Z',
      updated_at: '2026-07-01T12:00:05Z',
    });
    const conv = (await h.get('/v1/conversations/conv_124')).body.data;
    expect(conv).toMatchObject({
      message_count: 2,
      last_message_at: '2026-07-01T12:00:05Z',
      last_message_preview: 'We refunded the second charge.',
      updated_at: '2026-07-01T12:00:05Z',
    });
    const list = await h.get('/v1/conversations/conv_124/messages');
    expect(list.body.data[0].id).toBe(res.body.data.id);
    expect((await h.get(`/v1/conversations/conv_124/messages/${res.body.data.id}`)).status).toBe(200);
  });

  it('a contact reply defaults its author to the conversation contact', async () => {
    const res = await h.call('POST', '/v1/conversations/conv_123/messages', { body: { body: 'Thanks!', type: 'reply', author_type: 'contact' } });
    expect(res.body.data).toMatchObject({ author_type: 'contact', author_id: 'contact_123' });
  });

  it('the author must exist for its type', async () => {
    const res = await h.call('POST', '/v1/conversations/conv_123/messages', { body: { body: 'x', author_type: 'contact', author_id: 'user_123' } });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'invalid_reference', param: 'author_id' });
  });

  it('the parent must exist, and a message is only found under its own conversation', async () => {
    expect((await h.call('POST', '/v1/conversations/conv_nope/messages', { body: { body: 'x' } })).status).toBe(404);
    const res = await h.get('/v1/conversations/conv_124/messages/msg_100');
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ param: 'message_id' });
  });

  it('deleting a conversation deletes its messages and unlinks its tickets', async () => {
    expect((await h.call('DELETE', '/v1/conversations/conv_123')).status).toBe(204);
    expect((await h.get('/v1/conversations/conv_123/messages/msg_100')).status).toBe(404);
    expect((await h.get('/v1/tickets/ticket_123')).body.data.conversation_id).toBeNull();
  });
});

describe('referential sanity', () => {
  it.each([
    ['POST', '/v1/tickets', { subject: 'x', contact_id: 'contact_nope' }, 'contact_id'],
    ['POST', '/v1/tickets', { subject: 'x', conversation_id: 'conv_nope' }, 'conversation_id'],
    ['PATCH', '/v1/tickets/ticket_123', { assignee_id: 'user_nope' }, 'assignee_id'],
    ['POST', '/v1/conversations', { subject: 'x', assignee_id: 'user_nope' }, 'assignee_id'],
    ['PUT', '/v1/conversations/conv_123', { subject: 'x', status: 'open', channel: 'sms', contact_id: 'contact_nope' }, 'contact_id'],
  ])('%s %s %j → 422 naming %s', async (method, path, body, param) => {
    const res = await h.call(method, path, { body });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_reference', param });
  });

  it('assignment may be cleared with null', async () => {
    const res = await h.call('PATCH', '/v1/tickets/ticket_123', { body: { assignee_id: null } });
    expect(res.body.data.assignee_id).toBeNull();
  });

  it('contact emails are unique per workspace, case-insensitively, on every write', async () => {
    const dup = await h.call('POST', '/v1/contacts', { body: { email: 'Jane.Cooper@company.com' } });
    expect(dup.status).toBe(422);
    expect(dup.body.error).toMatchObject({ code: 'already_exists', param: 'email' });
    const patch = await h.call('PATCH', '/v1/contacts/contact_124', { body: { email: 'jane.cooper@company.com' } });
    expect(patch.status).toBe(422);
    const self = await h.call('PATCH', '/v1/contacts/contact_123', { body: { email: 'jane.cooper@company.com', name: 'Jane C.' } });
    expect(self.status).toBe(200);
  });

  it('deleting a contact unlinks it from tickets and conversations', async () => {
    expect((await h.call('DELETE', '/v1/contacts/contact_123')).status).toBe(204);
    expect((await h.get('/v1/tickets/ticket_123')).body.data.contact_id).toBeNull();
    expect((await h.get('/v1/conversations/conv_123')).body.data.contact_id).toBeNull();
  });
});

describe('webhook subscriptions', () => {
  it('the secret is shown once, at creation', async () => {
    const created = await h.call('POST', '/v1/webhooks', {
      body: { url: 'https://example.com/h', events: ['ticket.created', 'ticket.updated'], description: 'CI' },
    });
    expect(created.body.data.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(created.body.data.secret.slice(6), 'base64')).toHaveLength(24);
    const got = await h.get(`/v1/webhooks/${created.body.data.id}`);
    expect(got.body.data).not.toHaveProperty('secret');
    const list = await h.get('/v1/webhooks');
    expect(list.body.data[0]).not.toHaveProperty('secret');
    const patched = await h.call('PATCH', `/v1/webhooks/${created.body.data.id}`, { body: { active: false } });
    expect(patched.body.data).not.toHaveProperty('secret');
  });

  it('lists deliveries of a subscription (none before any event) and 404s for an unknown one', async () => {
    const created = await h.call('POST', '/v1/webhooks', { body: { url: 'https://example.com/h', events: ['*'] } });
    const deliveries = await h.get(`/v1/webhooks/${created.body.data.id}/deliveries`);
    expect(deliveries.status).toBe(200);
    expect(deliveries.body.meta.total_count).toBe(0);
    expect((await h.get('/v1/webhooks/wh_nope/deliveries')).status).toBe(404);
  });

  it('filters by active', async () => {
    await h.call('POST', '/v1/webhooks', { body: { url: 'https://a.example/h', events: ['*'] } });
    await h.call('POST', '/v1/webhooks', { body: { url: 'https://b.example/h', events: ['*'], active: false } });
    expect((await h.get('/v1/webhooks?active=false')).body.data.map((w: { url: string }) => w.url)).toEqual(['https://b.example/h']);
    expect((await h.get('/v1/webhooks?url=https://a.*')).body.meta.total_count).toBe(1);
  });
});

describe('users', () => {
  it('are read-only', async () => {
    expect((await h.call('POST', '/v1/users', { body: { name: 'x' } })).status).toBe(405);
    expect((await h.get('/v1/users/user_124')).body.data).toMatchObject({ name: 'Alex Morgan', role: 'admin' });
  });
});
