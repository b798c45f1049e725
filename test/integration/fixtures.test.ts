import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { harness } from '../helpers/harness.js';

const LISTS = [
  '/v1/users?per_page=100',
  '/v1/contacts?per_page=100',
  '/v1/conversations?per_page=100&page=2',
  '/v1/tickets?per_page=100',
  '/v1/conversations/conv_123/messages',
];

async function snapshot(seed?: number): Promise<string[]> {
  const h = await harness(seed === undefined ? {} : { seed });
  return Promise.all(LISTS.map(async (path) => (await h.get(path)).text));
}

describe('fixtures', () => {
  it('the same seed gives byte-identical responses', async () => {
    const [a, b] = await Promise.all([snapshot(7), snapshot(7)]);
    expect(a).toEqual(b);
  });

  it('another seed gives other data', async () => {
    const [a, b] = await Promise.all([snapshot(7), snapshot(8)]);
    expect(a[1]).not.toEqual(b[1]);
  });

  it('hold exactly what the overview needs', async () => {
    const h = await harness();
    expect((await h.get('/v1/conversations')).body.meta.total_count).toBe(250);
    expect((await h.get('/v1/users/user_123')).body.data).toMatchObject({ email: 'developer@company.com', name: 'Developer' });
    expect((await h.get('/v1/contacts?email=*@company.com')).body.meta.total_count).toBeGreaterThan(3);
    expect((await h.get('/v1/tickets?status=open&priority=urgent')).body.meta.total_count).toBeGreaterThan(1);
    expect((await h.get('/v1/conversations?q=billing+issue')).body.meta.total_count).toBeGreaterThan(1);
  });

  it('timestamps fall between 2025-06-01 and 2026-06-01, whatever today is', async () => {
    const h = await harness();
    for (const path of ['/v1/tickets', '/v1/contacts', '/v1/conversations']) {
      for (const order of ['asc', 'desc']) {
        for (const field of ['created_at', 'updated_at']) {
          const res = await h.get(`${path}?sort=${field}&order=${order}&per_page=1`);
          const value = res.body.data[0][field];
          expect(value >= '2025-06-01T00:00:00Z' && value < '2026-06-01T00:00:00Z').toBe(true);
        }
      }
    }
  });

  it('every generated reference points at a record that exists', async () => {
    const h = await harness();
    const users = new Set((await h.get('/v1/users?per_page=100')).body.data.map((u: { id: string }) => u.id));
    for (let page = 1; page <= 2; page++) {
      const tickets = (await h.get(`/v1/tickets?per_page=100&page=${page}`)).body.data;
      for (const t of tickets) if (t.assignee_id) expect(users.has(t.assignee_id)).toBe(true);
    }
  });

  it('a custom fixtures directory replaces the default data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfm-fixtures-'));
    writeFileSync(join(dir, 'workspace.json'), JSON.stringify({ id: 'ws_custom', name: 'Acme', owner_id: 'user_a', created_at: '2025-06-01T00:00:00Z' }));
    writeFileSync(
      join(dir, 'users.json'),
      JSON.stringify([
        { id: 'user_a', email: 'a@acme.test', name: 'Ann', role: 'owner', created_at: '2025-06-01T00:00:00Z', updated_at: '2025-06-01T00:00:00Z' },
      ]),
    );
    writeFileSync(join(dir, 'generate.json'), JSON.stringify({ totals: { tickets: 3 } }));
    const h = await harness({ fixtures: dir });
    expect((await h.get('/v1/me')).body.data).toEqual({ id: 'user_a', email: 'a@acme.test', name: 'Ann', workspace: { id: 'ws_custom', name: 'Acme' } });
    expect((await h.get('/v1/tickets')).body.meta.total_count).toBe(3);
    expect((await h.get('/v1/conversations')).body.meta.total_count).toBe(0);
  });

  it('--fixtures-scale generates N records per collection', async () => {
    const h = await harness({ fixturesScale: 1000 });
    expect((await h.get('/v1/tickets?per_page=1')).body.meta.total_count).toBe(1000);
    expect((await h.get('/v1/contacts?per_page=1')).body.meta.total_count).toBe(1000);
  });
});
