import { beforeAll, describe, expect, it } from 'vitest';
import { harness, type Harness } from '../helpers/harness.js';

/** Every example of the CommFlow overview, verbatim but for the base URL. */
describe('the overview examples', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });

  it('GET /v1/me returns the example user in the data envelope', async () => {
    const res = await h.get('/v1/me');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      data: { id: 'user_123', email: 'developer@company.com', name: 'Developer', workspace: { id: 'ws_456', name: 'My Workspace' } },
    });
  });

  it('the live key works too', async () => {
    const res = await h.get('/v1/me', { key: 'sk_live_commflow' });
    expect(res.status).toBe(200);
  });

  it('GET /v1/conversations?page=1&per_page=25 gives the example meta and links', async () => {
    const res = await h.get('/v1/conversations?page=1&per_page=25');
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(25);
    expect(res.body.meta).toEqual({ current_page: 1, per_page: 25, total_pages: 10, total_count: 250 });
    expect(res.body.links).toEqual({
      first: '/v1/conversations?page=1',
      prev: null,
      next: '/v1/conversations?page=2',
      last: '/v1/conversations?page=10',
    });
  });

  it('POST /v1/conversations/conv_123/messages answers 201 with the message', async () => {
    const res = await h.call('POST', '/v1/conversations/conv_123/messages', {
      body: { body: 'Hello, how can I help?', type: 'comment' },
    });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ body: 'Hello, how can I help?', type: 'comment', created_at: '2026-07-01T12:00:00Z' });
    expect(res.body.data.id).toMatch(/^msg_/);
  });

  it('GET /v1/tickets?status=open&priority=urgent', async () => {
    const res = await h.get('/v1/tickets?status=open&priority=urgent');
    expect(res.status).toBe(200);
    expect(res.body.data.length).toBeGreaterThan(0);
    for (const t of res.body.data) expect([t.status, t.priority]).toEqual(['open', 'urgent']);
    expect(res.body.links.first).toBe('/v1/tickets?status=open&priority=urgent&page=1');
  });

  it('GET /v1/contacts?email=*@company.com', async () => {
    const res = await h.get('/v1/contacts?email=*@company.com');
    expect(res.body.data.length).toBeGreaterThan(0);
    for (const c of res.body.data) expect(c.email).toMatch(/@company\.com$/);
  });

  it('GET /v1/conversations?created_after=2026-01-01 narrows the list', async () => {
    const res = await h.get('/v1/conversations?created_after=2026-01-01');
    expect(res.body.meta.total_count).toBeGreaterThan(0);
    expect(res.body.meta.total_count).toBeLessThan(250);
    for (const c of res.body.data) expect(c.created_at >= '2026-01-01T00:00:00Z').toBe(true);
  });

  it('GET /v1/tickets?sort=created_at&order=desc', async () => {
    const res = await h.get('/v1/tickets?sort=created_at&order=desc');
    const times = res.body.data.map((t: { created_at: string }) => t.created_at);
    expect(times).toEqual([...times].sort().reverse());
    expect(res.body.links.next).toBe('/v1/tickets?page=2');
  });

  it('GET /v1/contacts?sort=name&order=asc', async () => {
    const res = await h.get('/v1/contacts?sort=name&order=asc');
    const names = res.body.data.map((c: { name: string }) => c.name);
    expect(names).toEqual([...names].sort((a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(res.body.links.next).toBe('/v1/contacts?sort=name&order=asc&page=2');
  });

  it('GET /v1/conversations?q=billing+issue', async () => {
    const res = await h.get('/v1/conversations?q=billing+issue');
    expect(res.body.meta.total_count).toBeGreaterThan(0);
    expect(res.body.data.map((c: { id: string }) => c.id)).toContain('conv_123');
    expect(res.body.links.first).toBe('/v1/conversations?q=billing+issue&page=1');
  });

  it('ticket_123 is the webhook example ticket', async () => {
    const res = await h.get('/v1/tickets/ticket_123');
    expect(res.body.data).toMatchObject({ id: 'ticket_123', subject: 'Need help with billing', status: 'open' });
  });

  it('GET conv_123 exists', async () => {
    const res = await h.get('/v1/conversations/conv_123');
    expect(res.status).toBe(200);
  });
});
