import { beforeAll, describe, expect, it } from 'vitest';
import { harness, type Harness } from '../helpers/harness.js';

type Row = Record<string, any>;

let h: Harness;
const all: Record<string, Row[]> = {};

async function fetchAll(path: string): Promise<Row[]> {
  const rows: Row[] = [];
  const sep = path.includes('?') ? '&' : '?';
  for (let page = 1; ; page++) {
    const res = await h.get(`${path}${sep}per_page=100&page=${page}`);
    expect(res.status, `${path} → ${res.text}`).toBe(200);
    rows.push(...res.body.data);
    if (!res.body.links.next) return rows;
  }
}

const LISTS: Record<string, string> = {
  users: '/v1/users',
  conversations: '/v1/conversations',
  contacts: '/v1/contacts',
  tickets: '/v1/tickets',
  messages: '/v1/conversations/conv_123/messages',
};

/** An independent statement of each operator, used to compute the expected result. */
const lower = (v: unknown) => String(v ?? '').toLowerCase();
const wildcard = (pattern: string) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    'i',
  );

interface Case {
  list: keyof typeof LISTS;
  query: string;
  expect: (r: Row) => boolean;
}

const cases: Case[] = [
  { list: 'tickets', query: 'status=open', expect: (r) => r.status === 'open' },
  { list: 'tickets', query: 'status=open,pending', expect: (r) => ['open', 'pending'].includes(r.status) },
  { list: 'tickets', query: 'status=open&priority=urgent', expect: (r) => r.status === 'open' && r.priority === 'urgent' },
  { list: 'tickets', query: 'priority=low,high', expect: (r) => ['low', 'high'].includes(r.priority) },
  { list: 'tickets', query: 'assignee_id=user_123', expect: (r) => r.assignee_id === 'user_123' },
  { list: 'tickets', query: 'assignee_id=user_123,user_124', expect: (r) => ['user_123', 'user_124'].includes(r.assignee_id) },
  { list: 'tickets', query: 'contact_id=contact_123', expect: (r) => r.contact_id === 'contact_123' },
  { list: 'tickets', query: 'conversation_id=conv_123', expect: (r) => r.conversation_id === 'conv_123' },
  { list: 'tickets', query: 'subject=*billing*', expect: (r) => /billing/i.test(r.subject) },
  { list: 'tickets', query: 'subject=need help with billing', expect: (r) => lower(r.subject) === 'need help with billing' },
  { list: 'tickets', query: 'tag=bug', expect: (r) => r.tags.includes('bug') },
  { list: 'tickets', query: 'tag=bug,vip', expect: (r) => r.tags.includes('bug') || r.tags.includes('vip') },
  { list: 'tickets', query: 'created_after=2026-01-01', expect: (r) => r.created_at >= '2026-01-01T00:00:00Z' },
  { list: 'tickets', query: 'created_before=2025-09-01T12:00:00Z', expect: (r) => r.created_at < '2025-09-01T12:00:00Z' },
  {
    list: 'tickets',
    query: 'created_after=2026-01-15T10:30:00%2B00:00&created_before=2026-03-01',
    expect: (r) => r.created_at >= '2026-01-15T10:30:00Z' && r.created_at < '2026-03-01T00:00:00Z',
  },
  {
    list: 'tickets',
    query: 'updated_after=2026-04-01&updated_before=2026-05-01',
    expect: (r) => r.updated_at >= '2026-04-01T00:00:00Z' && r.updated_at < '2026-05-01T00:00:00Z',
  },
  { list: 'tickets', query: 'q=billing', expect: (r) => [r.subject, r.description, ...r.tags].some((t) => lower(t).includes('billing')) },
  {
    list: 'tickets',
    query: 'q=need+BILLING',
    expect: (r) => ['need', 'billing'].every((t) => [r.subject, r.description, ...r.tags].map(lower).join('\n').includes(t)),
  },
  { list: 'contacts', query: 'email=*@company.com', expect: (r) => wildcard('*@company.com').test(r.email) },
  { list: 'contacts', query: 'email=jane.cooper@company.com', expect: (r) => r.email === 'jane.cooper@company.com' },
  { list: 'contacts', query: 'email=JANE*', expect: (r) => /^jane/i.test(r.email) },
  { list: 'contacts', query: 'name=*a*e*', expect: (r) => wildcard('*a*e*').test(r.name ?? '') },
  { list: 'contacts', query: 'company=Company+Inc', expect: (r) => lower(r.company) === 'company inc' },
  { list: 'contacts', query: 'phone=%2B1*', expect: (r) => String(r.phone ?? '').startsWith('+1') },
  { list: 'contacts', query: 'tag=vip', expect: (r) => r.tags.includes('vip') },
  { list: 'contacts', query: 'q=company', expect: (r) => [r.name, r.email, r.phone, r.company, ...r.tags].some((t) => lower(t).includes('company')) },
  { list: 'contacts', query: 'created_after=2026-01-01', expect: (r) => r.created_at >= '2026-01-01T00:00:00Z' },
  { list: 'conversations', query: 'status=open', expect: (r) => r.status === 'open' },
  {
    list: 'conversations',
    query: 'status=pending,closed&channel=email,chat',
    expect: (r) => ['pending', 'closed'].includes(r.status) && ['email', 'chat'].includes(r.channel),
  },
  { list: 'conversations', query: 'assignee_id=user_123', expect: (r) => r.assignee_id === 'user_123' },
  { list: 'conversations', query: 'contact_id=contact_123,contact_124', expect: (r) => ['contact_123', 'contact_124'].includes(r.contact_id) },
  { list: 'conversations', query: 'subject=Billing*', expect: (r) => /^billing/i.test(r.subject) },
  { list: 'conversations', query: 'tag=billing', expect: (r) => r.tags.includes('billing') },
  { list: 'conversations', query: 'created_after=2026-01-01', expect: (r) => r.created_at >= '2026-01-01T00:00:00Z' },
  { list: 'conversations', query: 'updated_before=2025-12-01', expect: (r) => r.updated_at < '2025-12-01T00:00:00Z' },
  { list: 'users', query: 'role=agent', expect: (r) => r.role === 'agent' },
  { list: 'users', query: 'role=owner,admin', expect: (r) => ['owner', 'admin'].includes(r.role) },
  { list: 'users', query: 'email=*@company.com', expect: (r) => r.email.endsWith('@company.com') },
  { list: 'users', query: 'name=Developer', expect: (r) => r.name === 'Developer' },
  { list: 'users', query: 'q=developer', expect: (r) => [r.name, r.email].some((t) => lower(t).includes('developer')) },
  { list: 'messages', query: 'type=reply', expect: (r) => r.type === 'reply' },
  { list: 'messages', query: 'author_type=user', expect: (r) => r.author_type === 'user' },
  { list: 'messages', query: 'q=invoice', expect: (r) => lower(r.body).includes('invoice') },
];

beforeAll(async () => {
  h = await harness();
  for (const [name, path] of Object.entries(LISTS)) all[name] = await fetchAll(path);
});

describe('filters and search, against an independent statement of each operator', () => {
  it.each(cases.map((c) => [`${c.list}?${c.query}`, c] as const))('%s', async (_label, c) => {
    const expected = all[c.list]!.filter(c.expect)
      .map((r) => r.id)
      .sort();
    const got = (await fetchAll(`${LISTS[c.list]}?${c.query}`)).map((r) => r.id).sort();
    expect(got).toEqual(expected);
    const first = await h.get(`${LISTS[c.list]}?${c.query}`);
    expect(first.body.meta.total_count).toBe(expected.length);
  });

  it('at least most cases select something and leave something out', () => {
    const informative = cases.filter((c) => {
      const n = all[c.list]!.filter(c.expect).length;
      return n > 0 && n < all[c.list]!.length;
    });
    expect(informative.length).toBeGreaterThan(cases.length * 0.8);
  });

  it('q over conversations searches message bodies too', async () => {
    const res = await h.get('/v1/conversations?q=recognise');
    expect(res.body.data.map((c: Row) => c.id)).toEqual(['conv_123']);
  });

  it('q sees a message as soon as it is posted', async () => {
    const h2 = await harness();
    await h2.call('POST', '/v1/conversations/conv_124/messages', { body: { body: 'zebra-striped invoice' } });
    expect((await h2.get('/v1/conversations?q=zebra-striped')).body.data.map((c: Row) => c.id)).toEqual(['conv_124']);
  });
});

const ENUM_ORDER: Record<string, string[]> = {
  priority: ['low', 'normal', 'high', 'urgent'],
  status: ['open', 'pending', 'resolved', 'closed'],
};

function expectedOrder(rows: Row[], field: string, order: 'asc' | 'desc', enumOrder?: string[]): string[] {
  const key = (r: Row) => (enumOrder ? enumOrder.indexOf(r[field]) : r[field]);
  const sorted = [...rows].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka !== kb) {
      if (ka === null || ka === undefined) return 1;
      if (kb === null || kb === undefined) return -1;
      return ka < kb ? -1 : 1;
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
  if (order === 'desc') sorted.reverse();
  return sorted.map((r) => r.id);
}

const SORTS: [keyof typeof LISTS, string][] = [
  ['tickets', 'created_at'],
  ['tickets', 'updated_at'],
  ['tickets', 'priority'],
  ['tickets', 'status'],
  ['tickets', 'subject'],
  ['contacts', 'created_at'],
  ['contacts', 'updated_at'],
  ['contacts', 'name'],
  ['contacts', 'email'],
  ['contacts', 'company'],
  ['conversations', 'created_at'],
  ['conversations', 'updated_at'],
  ['conversations', 'last_message_at'],
  ['conversations', 'subject'],
  ['users', 'name'],
  ['users', 'email'],
  ['users', 'created_at'],
  ['messages', 'created_at'],
];

describe('sorting', () => {
  it.each(SORTS.flatMap(([list, field]) => (['asc', 'desc'] as const).map((order) => [list, field, order] as const)))(
    '%s sort=%s order=%s',
    async (list, field, order) => {
      const got = (await fetchAll(`${LISTS[list]}?sort=${field}&order=${order}`)).map((r) => r.id);
      expect(got).toEqual(expectedOrder(all[list]!, field, order, list === 'tickets' ? ENUM_ORDER[field] : undefined));
    },
  );

  it('defaults to created_at desc, ties by id', async () => {
    const got = (await fetchAll('/v1/tickets')).map((r) => r.id);
    expect(got).toEqual(expectedOrder(all.tickets!, 'created_at', 'desc'));
  });
});

describe('pagination', () => {
  it('pages partition the list without overlap', async () => {
    const pages = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((p) => h.get(`/v1/tickets?per_page=30&page=${p}`)));
    const ids = pages.flatMap((p) => p.body.data.map((r: Row) => r.id));
    expect(new Set(ids).size).toBe(200);
    expect(pages[6]!.body.data).toHaveLength(20);
    expect(pages[7]!.body.data).toHaveLength(0);
    expect(pages[0]!.body.meta).toEqual({ current_page: 1, per_page: 30, total_pages: 7, total_count: 200 });
  });

  it('links keep the other parameters but drop defaults', async () => {
    const res = await h.get('/v1/tickets?per_page=25&status=open,pending&order=desc&sort=priority&page=2');
    expect(res.body.links).toEqual({
      first: '/v1/tickets?status=open,pending&sort=priority&page=1',
      prev: '/v1/tickets?status=open,pending&sort=priority&page=1',
      next: res.body.meta.total_pages > 2 ? '/v1/tickets?status=open,pending&sort=priority&page=3' : null,
      last: `/v1/tickets?status=open,pending&sort=priority&page=${res.body.meta.total_pages}`,
    });
  });

  it('an empty result still has one page', async () => {
    const res = await h.get('/v1/tickets?subject=no-such-subject');
    expect(res.body.meta).toEqual({ current_page: 1, per_page: 25, total_pages: 1, total_count: 0 });
    expect(res.body.links).toEqual({
      first: '/v1/tickets?subject=no-such-subject&page=1',
      prev: null,
      next: null,
      last: '/v1/tickets?subject=no-such-subject&page=1',
    });
  });

  it('a page past the end is empty, with prev pointing at the last page', async () => {
    const res = await h.get('/v1/tickets?page=50');
    expect(res.body.data).toEqual([]);
    expect(res.body.links.prev).toBe('/v1/tickets?page=8');
    expect(res.body.links.next).toBeNull();
  });
});
