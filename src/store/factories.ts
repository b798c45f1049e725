/**
 * One factory per generated collection: each takes the seeded faker and the shared
 * context, and returns the hand-written records followed by the generated ones.
 *
 * The order of faker calls is a public promise (the same seed gives the same records):
 * a change here must not add, drop or reorder a call, short-circuits included. Object
 * literals are evaluated in property order, so a record's fields are drawn in the order
 * they are written.
 */
import { toIso } from '../clock.js';
import type { Faker } from './random.js';
import type { Rec } from './types.js';

/** generate.json: what to generate, and from which words. */
export interface GenerateConfig {
  from: string;
  to: string;
  totals: Partial<Record<GeneratedCollection, number>>;
  messages_per_conversation: [number, number];
  company_domain_share: number;
  company_domain: string;
  tags: string[];
  subjects: string[];
  bodies: string[];
}

export type GeneratedCollection = 'users' | 'contacts' | 'conversations' | 'tickets';

/** What every factory shares: one configuration, one id source, one time window. */
export interface FactoryContext {
  readonly cfg: GenerateConfig;
  /** The time window [from, to) in ms since the epoch; every timestamp is a whole second in it. */
  readonly from: number;
  readonly to: number;
  /** How many records to generate for a collection (its total less the hand-written ones). */
  count(collection: GeneratedCollection): number;
  /** A seeded id with this prefix that no record has yet. */
  newId(prefix: string): string;
}

/** The people a conversation or ticket may point at. */
export interface People {
  userIds: string[];
  contactIds: string[];
}

const DAY = 864e5;

type Weighted = { value: string; weight: number }[];
const ROLES: Weighted = [
  { value: 'agent', weight: 4 },
  { value: 'admin', weight: 1 },
];
const MESSAGE_TYPES: Weighted = [
  { value: 'comment', weight: 4 },
  { value: 'note', weight: 1 },
];
const CONVERSATION_STATUSES: Weighted = [
  { value: 'open', weight: 4 },
  { value: 'pending', weight: 2 },
  { value: 'closed', weight: 4 },
];
const CHANNELS = ['email', 'chat', 'sms', 'whatsapp', 'phone'];
const TICKET_STATUSES: Weighted = [
  { value: 'open', weight: 4 },
  { value: 'pending', weight: 2 },
  { value: 'resolved', weight: 3 },
  { value: 'closed', weight: 1 },
];
const PRIORITIES: Weighted = [
  { value: 'low', weight: 2 },
  { value: 'normal', weight: 5 },
  { value: 'high', weight: 2 },
  { value: 'urgent', weight: 1 },
];

/** A whole second in the window. */
function instant(f: Faker, { from, to }: FactoryContext): number {
  return Math.floor(f.number.int({ min: from, max: to - 1000 }) / 1000) * 1000;
}

/** A whole second at most `maxMs` after `start`, still inside the window. */
function later(f: Faker, { to }: FactoryContext, start: number, maxMs: number): number {
  return Math.min(to - 1000, start + f.number.int({ min: 0, max: maxMs / 1000 }) * 1000);
}

function pickTags(f: Faker, { cfg }: FactoryContext): string[] {
  return cfg.tags.length ? f.helpers.arrayElements(cfg.tags, { min: 0, max: 2 }) : [];
}

function subject(f: Faker, { cfg }: FactoryContext): string {
  return f.helpers.arrayElement(cfg.subjects).replace('{n}', String(f.number.int({ min: 1000, max: 9999 })));
}

/** One of `ids` with this probability; null (and no draw at all) when there are none. */
function oneOrNull(f: Faker, ids: string[], probability: number): string | null {
  return ids.length && f.datatype.boolean(probability) ? f.helpers.arrayElement(ids) : null;
}

function times(n: number, make: () => Rec): Rec[] {
  const out: Rec[] = [];
  for (let i = 0; i < n; i++) out.push(make());
  return out;
}

/** Agents and admins with an address at the company's domain. */
export function users(f: Faker, ctx: FactoryContext, hand: Rec[]): Rec[] {
  return [
    ...hand,
    ...times(ctx.count('users'), () => {
      const firstName = f.person.firstName();
      const lastName = f.person.lastName();
      const created = instant(f, ctx);
      return {
        id: ctx.newId('user_'),
        email: f.internet.email({ firstName, lastName, provider: ctx.cfg.company_domain }).toLowerCase(),
        name: `${firstName} ${lastName}`,
        role: f.helpers.weightedArrayElement(ROLES),
        created_at: toIso(created),
        updated_at: toIso(later(f, ctx, created, 30 * DAY)),
      };
    }),
  ];
}

/** Customers, some at the company's domain; no two share an email address. */
export function contacts(f: Faker, ctx: FactoryContext, hand: Rec[]): Rec[] {
  const emails = new Set(hand.map((c) => String(c.email)));
  return [
    ...hand,
    ...times(ctx.count('contacts'), () => {
      const firstName = f.person.firstName();
      const lastName = f.person.lastName();
      const atCompany = f.number.float({ min: 0, max: 1 }) < ctx.cfg.company_domain_share;
      let email = f.internet.email({ firstName, lastName, ...(atCompany ? { provider: ctx.cfg.company_domain } : {}) }).toLowerCase();
      for (let n = 2; emails.has(email); n++) email = email.replace(/^([^@]+?)(\d*)@/, `$1${n}@`);
      emails.add(email);
      const created = instant(f, ctx);
      return {
        id: ctx.newId('contact_'),
        name: `${firstName} ${lastName}`,
        email,
        phone: f.datatype.boolean(0.6) ? f.phone.number({ style: 'international' }) : null,
        company: atCompany ? 'Company Inc' : f.datatype.boolean(0.5) ? f.company.name() : null,
        tags: pickTags(f, ctx),
        created_at: toIso(created),
        updated_at: toIso(later(f, ctx, created, 60 * DAY)),
      };
    }),
  ];
}

/** The start of a conversation's thread: who talks, from when, and how many messages. */
export interface Thread {
  conversationId: string;
  contactId: string | null;
  assigneeId: string | null;
  start: number;
  count: number;
}

/** A conversation's messages: the contact opens, then contact and assignee take turns (a few days apart at most). */
export function messages(f: Faker, ctx: FactoryContext, thread: Thread): Rec[] {
  const out: Rec[] = [];
  let at = thread.start;
  for (let m = 0; m < thread.count; m++) {
    if (m > 0) at = later(f, ctx, at, 2 * DAY);
    const fromContact = m % 2 === 0 || !thread.assigneeId;
    out.push({
      id: ctx.newId('msg_'),
      conversation_id: thread.conversationId,
      body: f.helpers.arrayElement(ctx.cfg.bodies),
      type: fromContact ? 'reply' : f.helpers.weightedArrayElement(MESSAGE_TYPES),
      author_type: fromContact ? 'contact' : 'user',
      author_id: fromContact ? thread.contactId : thread.assigneeId,
      created_at: toIso(at),
      updated_at: toIso(at),
    });
  }
  return out;
}

/** Conversations with a contact and mostly an assignee, each with its messages (summarised on the conversation). */
export function conversations(
  f: Faker,
  ctx: FactoryContext,
  hand: { conversations: Rec[]; messages: Rec[] },
  people: People,
): { conversations: Rec[]; messages: Rec[] } {
  const allMessages = [...hand.messages];
  const generated = times(ctx.count('conversations'), () => {
    const id = ctx.newId('conv_');
    const contactId = people.contactIds.length ? f.helpers.arrayElement(people.contactIds) : null;
    const assigneeId = oneOrNull(f, people.userIds, 0.8);
    const created = instant(f, ctx);
    const count = f.number.int({ min: ctx.cfg.messages_per_conversation[0], max: ctx.cfg.messages_per_conversation[1] });
    const thread = messages(f, ctx, { conversationId: id, contactId, assigneeId, start: created, count });
    for (const message of thread) allMessages.push(message);
    const last = thread.at(-1);
    return {
      id,
      subject: subject(f, ctx),
      status: f.helpers.weightedArrayElement(CONVERSATION_STATUSES),
      channel: f.helpers.arrayElement(CHANNELS),
      contact_id: contactId,
      assignee_id: assigneeId,
      tags: pickTags(f, ctx),
      message_count: count,
      last_message_at: last ? last.created_at : null,
      last_message_preview: last ? String(last.body).slice(0, 140) : null,
      created_at: toIso(created),
      updated_at: last ? last.created_at : toIso(created),
    };
  });
  return { conversations: [...hand.conversations, ...generated], messages: allMessages };
}

/** Tickets, mostly with a contact and an assignee, some raised from a conversation. */
export function tickets(f: Faker, ctx: FactoryContext, hand: Rec[], refs: People & { conversationIds: string[] }): Rec[] {
  return [
    ...hand,
    ...times(ctx.count('tickets'), () => {
      const created = instant(f, ctx);
      return {
        id: ctx.newId('ticket_'),
        subject: subject(f, ctx),
        description: f.datatype.boolean(0.7) ? f.lorem.sentence() : null,
        status: f.helpers.weightedArrayElement(TICKET_STATUSES),
        priority: f.helpers.weightedArrayElement(PRIORITIES),
        assignee_id: oneOrNull(f, refs.userIds, 0.75),
        contact_id: oneOrNull(f, refs.contactIds, 0.9),
        conversation_id: oneOrNull(f, refs.conversationIds, 0.3),
        tags: pickTags(f, ctx),
        created_at: toIso(created),
        updated_at: toIso(later(f, ctx, created, 20 * DAY)),
      };
    }),
  ];
}
