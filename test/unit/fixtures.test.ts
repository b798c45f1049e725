import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import * as make from '../../src/store/factories.js';
import type { FactoryContext, GenerateConfig, GeneratedCollection } from '../../src/store/factories.js';
import { buildFixtures } from '../../src/store/fixtures.js';
import { createIdFactory, loadFaker, type Faker, type FakerFactory } from '../../src/store/random.js';
import type { Rec } from '../../src/store/types.js';

const BUNDLED = fileURLToPath(new URL('../../fixtures', import.meta.url));
const FROM = '2025-06-01T00:00:00Z';
const TO = '2025-07-01T00:00:00Z';

let seeded: FakerFactory;
beforeAll(async () => {
  seeded = await loadFaker();
});

/** A seeded faker and a context generating `counts` records, with ids never reused. */
function setup(counts: Partial<Record<GeneratedCollection, number>>, cfg: Partial<GenerateConfig> = {}, seed = 1): { f: Faker; ctx: FactoryContext } {
  const f = seeded(seed);
  const taken = new Set<string>();
  const ctx: FactoryContext = {
    cfg: {
      from: FROM,
      to: TO,
      totals: {},
      messages_per_conversation: [1, 4],
      company_domain_share: 0.2,
      company_domain: 'company.com',
      tags: ['billing', 'vip', 'bug'],
      subjects: ['Invoice #{n}', 'Login'],
      bodies: ['Hello', 'Thanks'],
      ...cfg,
    },
    from: Date.parse(FROM),
    to: Date.parse(TO),
    count: (c) => counts[c] ?? 0,
    newId: createIdFactory(
      f,
      (id) => taken.has(id),
      (id) => taken.add(id),
    ),
  };
  return { f, ctx };
}

const ids = (list: Rec[]) => list.map((r) => r.id);
const unique = (values: unknown[]) => new Set(values).size === values.length;
const inWindow = (iso: unknown) => typeof iso === 'string' && iso >= FROM && iso < TO;
const record = (id: string, extra: Record<string, unknown> = {}): Rec => ({ id, created_at: FROM, updated_at: FROM, ...extra });

describe('users()', () => {
  it('keeps the hand-written users first and adds the count asked for', () => {
    const { f, ctx } = setup({ users: 12 });
    const users = make.users(f, ctx, [record('user_hand')]);
    expect(users).toHaveLength(13);
    expect(users[0]!.id).toBe('user_hand');
    expect(unique(ids(users))).toBe(true);
    for (const u of users.slice(1)) {
      expect(u.id).toMatch(/^user_[0-9a-z]{10}$/);
      expect(u.email).toMatch(/@company\.com$/);
      expect(['agent', 'admin']).toContain(u.role);
      expect(inWindow(u.created_at) && inWindow(u.updated_at) && u.updated_at >= u.created_at).toBe(true);
    }
  });
});

describe('contacts()', () => {
  it('gives every contact its own email address, even when most collide', () => {
    const { f, ctx } = setup({ contacts: 300 }, { company_domain_share: 1 });
    const hand = [record('contact_hand', { email: 'taken@company.com' })];
    const contacts = make.contacts(f, ctx, hand);
    expect(contacts).toHaveLength(301);
    expect(unique(contacts.map((c) => c.email))).toBe(true);
    for (const c of contacts.slice(1)) {
      expect(c.email).toMatch(/@company\.com$/);
      expect(c.company).toBe('Company Inc');
      expect(inWindow(c.created_at) && inWindow(c.updated_at)).toBe(true);
    }
  });

  it("never reuses a hand-written contact's address", () => {
    // The same seed draws the same first names and addresses again: each one collides.
    const before = setup({ contacts: 20 }, {}, 3);
    const first = make.contacts(before.f, before.ctx, []);
    const { f, ctx } = setup({ contacts: 20 }, {}, 3);
    const second = make.contacts(f, ctx, first).slice(20);
    const taken = new Set(first.map((c) => c.email));
    expect(second.filter((c) => taken.has(c.email))).toEqual([]);
    expect(second.map((c) => c.name)).toEqual(first.map((c) => c.name));
  });

  it('draws tags only from the configured ones, at most two', () => {
    const { f, ctx } = setup({ contacts: 50 });
    for (const c of make.contacts(f, ctx, [])) {
      expect((c.tags as string[]).length).toBeLessThanOrEqual(2);
      for (const tag of c.tags as string[]) expect(['billing', 'vip', 'bug']).toContain(tag);
    }
  });
});

describe('messages()', () => {
  it('writes `count` messages of the conversation, the contact first, in time order', () => {
    const { f, ctx } = setup({});
    const start = Date.parse('2025-06-10T00:00:00Z');
    const thread = make.messages(f, ctx, { conversationId: 'conv_1', contactId: 'contact_1', assigneeId: 'user_1', start, count: 6 });
    expect(thread).toHaveLength(6);
    expect(thread.every((m) => m.conversation_id === 'conv_1')).toBe(true);
    expect(thread[0]).toMatchObject({ author_type: 'contact', author_id: 'contact_1', type: 'reply', created_at: '2025-06-10T00:00:00Z' });
    expect(thread[1]).toMatchObject({ author_type: 'user', author_id: 'user_1' });
    const times = thread.map((m) => m.created_at);
    expect(times).toEqual([...times].sort());
    expect(times.every(inWindow)).toBe(true);
  });

  it('without an assignee, every message comes from the contact', () => {
    const { f, ctx } = setup({});
    const thread = make.messages(f, ctx, { conversationId: 'conv_1', contactId: 'contact_1', assigneeId: null, start: Date.parse(FROM), count: 4 });
    expect(thread.map((m) => m.author_type)).toEqual(['contact', 'contact', 'contact', 'contact']);
  });
});

describe('conversations()', () => {
  it('every message belongs to an existing conversation, and each conversation sums up its messages', () => {
    const { f, ctx } = setup({ conversations: 40 });
    const people = { userIds: ['user_1', 'user_2'], contactIds: ['contact_1', 'contact_2', 'contact_3'] };
    const hand = { conversations: [record('conv_hand')], messages: [record('msg_hand', { conversation_id: 'conv_hand' })] };
    const { conversations, messages } = make.conversations(f, ctx, hand, people);
    expect(conversations).toHaveLength(41);
    expect(unique([...ids(conversations), ...ids(messages)])).toBe(true);
    const convIds = new Set(ids(conversations));
    for (const m of messages) expect(convIds.has(m.conversation_id as string)).toBe(true);
    for (const c of conversations.slice(1)) {
      const own = messages.filter((m) => m.conversation_id === c.id);
      expect(own).toHaveLength(c.message_count as number);
      expect(c.last_message_at).toBe(own.at(-1)!.created_at);
      expect(c.updated_at).toBe(c.last_message_at);
      expect(people.contactIds).toContain(c.contact_id);
      if (c.assignee_id !== null) expect(people.userIds).toContain(c.assignee_id);
    }
  });

  it('with no users or contacts, points at nobody', () => {
    const { f, ctx } = setup({ conversations: 10 });
    const { conversations } = make.conversations(f, ctx, { conversations: [], messages: [] }, { userIds: [], contactIds: [] });
    expect(conversations.map((c) => [c.contact_id, c.assignee_id])).toEqual(Array(10).fill([null, null]));
  });
});

describe('tickets()', () => {
  it('points only at users, contacts and conversations that exist', () => {
    const { f, ctx } = setup({ tickets: 80 });
    const refs = { userIds: ['user_1'], contactIds: ['contact_1', 'contact_2'], conversationIds: ['conv_1'] };
    const tickets = make.tickets(f, ctx, [], refs);
    expect(tickets).toHaveLength(80);
    expect(unique(ids(tickets))).toBe(true);
    for (const t of tickets) {
      if (t.assignee_id !== null) expect(refs.userIds).toContain(t.assignee_id);
      if (t.contact_id !== null) expect(refs.contactIds).toContain(t.contact_id);
      if (t.conversation_id !== null) expect(refs.conversationIds).toContain(t.conversation_id);
      expect(['open', 'pending', 'resolved', 'closed']).toContain(t.status);
      expect(['low', 'normal', 'high', 'urgent']).toContain(t.priority);
    }
    expect(tickets.some((t) => t.contact_id !== null)).toBe(true);
  });
});

describe('buildFixtures() on the bundled fixtures', () => {
  it("has generate.json's totals, unique ids and no dangling reference", async () => {
    const { workspace, collections: c } = await buildFixtures({ dir: BUNDLED, seed: 1 });
    expect(Object.keys(c.users)).toHaveLength(8);
    expect(Object.keys(c.contacts)).toHaveLength(120);
    expect(Object.keys(c.conversations)).toHaveLength(250);
    expect(Object.keys(c.tickets)).toHaveLength(200);
    const all = Object.values(c).flatMap((records) => Object.keys(records));
    expect(unique(all)).toBe(true);
    expect(c.users[workspace.owner_id]).toBeDefined();
    for (const m of Object.values(c.messages)) expect(c.conversations[m.conversation_id as string]).toBeDefined();
    for (const t of Object.values(c.tickets)) {
      if (t.assignee_id !== null) expect(c.users[t.assignee_id as string]).toBeDefined();
      if (t.contact_id !== null) expect(c.contacts[t.contact_id as string]).toBeDefined();
      if (t.conversation_id !== null) expect(c.conversations[t.conversation_id as string]).toBeDefined();
    }
  });

  it('the same seed gives the same records; another seed, others', async () => {
    // The records only: the data's `seed` field differs with the seed whatever the generator does.
    const again = async (seed: number, scale?: number) =>
      JSON.stringify((await buildFixtures({ dir: BUNDLED, seed, ...(scale === undefined ? {} : { scale }) })).collections);
    expect(await again(5)).toBe(await again(5));
    expect(await again(5, 30)).toBe(await again(5, 30));
    expect(await again(5)).not.toBe(await again(6));
  });

  it('a scale replaces the totals of contacts, conversations and tickets (not users)', async () => {
    const { collections: c } = await buildFixtures({ dir: BUNDLED, seed: 1, scale: 30 });
    expect([c.users, c.contacts, c.conversations, c.tickets].map((r) => Object.keys(r).length)).toEqual([8, 30, 30, 30]);
  });
});
