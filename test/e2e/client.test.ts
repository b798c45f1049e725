import createClient from 'openapi-fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockServer, type MockServer } from '../../src/index.js';
import type { paths } from '../generated/api.js';

/**
 * A client generated from openapi.yaml (openapi-typescript types + openapi-fetch) drives every
 * /v1 operation over a real socket; `npm test` type-checks these calls against the spec.
 */
let mock: MockServer;
let api: ReturnType<typeof createClient<paths>>;

beforeAll(async () => {
  mock = await createMockServer({ port: 0, logLevel: 'silent' });
  api = createClient<paths>({ baseUrl: mock.url, headers: { Authorization: `Bearer ${mock.apiKey}` } });
});
afterAll(async () => {
  await mock.close();
});

describe('a generated client (openapi-typescript + openapi-fetch)', () => {
  it('me and users', async () => {
    expect((await api.GET('/v1/me')).data?.data.workspace.id).toBe('ws_456');
    const users = await api.GET('/v1/users', { params: { query: { role: ['owner', 'admin'], sort: 'name', order: 'asc' } } });
    expect(users.data?.data.length).toBeGreaterThan(0);
    expect((await api.GET('/v1/users/{id}', { params: { path: { id: 'user_123' } } })).data?.data.name).toBe('Developer');
  });

  it('tickets: create, read, list with filters, replace, update, delete, and an error', async () => {
    const created = await api.POST('/v1/tickets', { body: { subject: 'Typed ticket', priority: 'urgent', tags: ['typed'] } });
    expect(created.response.status).toBe(201);
    const id = created.data!.data.id;
    expect((await api.GET('/v1/tickets/{id}', { params: { path: { id } } })).data?.data.subject).toBe('Typed ticket');
    const listed = await api.GET('/v1/tickets', { params: { query: { status: ['open'], priority: ['urgent'], tag: ['typed'], q: 'typed', per_page: 10 } } });
    expect(listed.data?.data.map((t) => t.id)).toContain(id);
    const replaced = await api.PUT('/v1/tickets/{id}', { params: { path: { id } }, body: { subject: 'Replaced', status: 'pending', priority: 'low' } });
    expect(replaced.data?.data).toMatchObject({ subject: 'Replaced', tags: [] });
    const updated = await api.PATCH('/v1/tickets/{id}', { params: { path: { id } }, body: { assignee_id: 'user_124' } });
    expect(updated.data?.data.assignee_id).toBe('user_124');
    expect((await api.DELETE('/v1/tickets/{id}', { params: { path: { id } } })).response.status).toBe(204);
    const missing = await api.GET('/v1/tickets/{id}', { params: { path: { id } } });
    expect(missing.response.status).toBe(404);
    expect(missing.error?.error.type).toBe('not_found_error');
    const invalid = await api.POST('/v1/tickets', { body: { subject: '' } });
    expect(invalid.response.status).toBe(422);
    expect(invalid.error?.error.param).toBe('subject');
  });

  it('contacts', async () => {
    const created = await api.POST('/v1/contacts', { body: { email: 'typed@example.com', name: 'Typed' } });
    const id = created.data!.data.id;
    expect(
      (await api.GET('/v1/contacts', { params: { query: { email: '*@example.com', sort: 'name', order: 'asc' } } })).data?.data.map((c) => c.id),
    ).toContain(id);
    expect((await api.GET('/v1/contacts/{id}', { params: { path: { id } } })).data?.data.email).toBe('typed@example.com');
    expect((await api.PUT('/v1/contacts/{id}', { params: { path: { id } }, body: { email: 'typed2@example.com' } })).data?.data.name).toBeNull();
    expect((await api.PATCH('/v1/contacts/{id}', { params: { path: { id } }, body: { company: 'Typed Inc' } })).data?.data.company).toBe('Typed Inc');
    expect((await api.DELETE('/v1/contacts/{id}', { params: { path: { id } } })).response.status).toBe(204);
  });

  it('conversations and messages', async () => {
    const created = await api.POST('/v1/conversations', { body: { subject: 'Typed conversation', channel: 'chat' } });
    const id = created.data!.data.id;
    expect((await api.GET('/v1/conversations', { params: { query: { created_after: '2026-01-01', channel: ['chat'] } } })).response.status).toBe(200);
    const message = await api.POST('/v1/conversations/{id}/messages', { params: { path: { id } }, body: { body: 'Hello, how can I help?', type: 'comment' } });
    expect(message.response.status).toBe(201);
    const mid = message.data!.data.id;
    expect((await api.GET('/v1/conversations/{id}/messages', { params: { path: { id }, query: { type: ['comment'] } } })).data?.data[0]?.id).toBe(mid);
    expect((await api.GET('/v1/conversations/{id}/messages/{message_id}', { params: { path: { id, message_id: mid } } })).data?.data.body).toBe(
      'Hello, how can I help?',
    );
    expect((await api.GET('/v1/conversations/{id}', { params: { path: { id } } })).data?.data.message_count).toBe(1);
    expect(
      (await api.PUT('/v1/conversations/{id}', { params: { path: { id } }, body: { subject: 'Replaced', status: 'closed', channel: 'email' } })).data?.data
        .status,
    ).toBe('closed');
    expect((await api.PATCH('/v1/conversations/{id}', { params: { path: { id } }, body: { tags: ['typed'] } })).data?.data.tags).toEqual(['typed']);
    expect((await api.DELETE('/v1/conversations/{id}', { params: { path: { id } } })).response.status).toBe(204);
  });

  it('webhooks and their deliveries', async () => {
    const created = await api.POST('/v1/webhooks', { body: { url: 'http://127.0.0.1:9/hooks', events: ['ticket.created'] } });
    const id = created.data!.data.id;
    expect(created.data?.data.secret).toMatch(/^whsec_/);
    expect((await api.GET('/v1/webhooks', { params: { query: { active: true } } })).data?.data.map((w) => w.id)).toContain(id);
    expect((await api.GET('/v1/webhooks/{id}', { params: { path: { id } } })).data?.data.url).toBe('http://127.0.0.1:9/hooks');
    expect(
      (await api.PUT('/v1/webhooks/{id}', { params: { path: { id } }, body: { url: 'http://127.0.0.1:9/other', events: ['*'] } })).data?.data.events,
    ).toEqual(['*']);
    expect((await api.PATCH('/v1/webhooks/{id}', { params: { path: { id } }, body: { active: false } })).data?.data.active).toBe(false);
    expect((await api.GET('/v1/webhooks/{id}/deliveries', { params: { path: { id }, query: { status: ['failed'] } } })).data?.meta.total_count).toBe(0);
    expect((await api.DELETE('/v1/webhooks/{id}', { params: { path: { id } } })).response.status).toBe(204);
  });
});
