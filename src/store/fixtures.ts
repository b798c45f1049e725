import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { toIso } from '../clock.js';
import { dict, own } from './dict.js';
import type { CollectionName, Rec, WorkspaceData, WorkspaceInfo } from './types.js';
import { COLLECTIONS } from './types.js';
import { createIdFactory, loadFaker, type FakerFactory } from './random.js';

export interface FixtureOptions {
  /** Directory of hand-written records (users.json, tickets.json, ...) and generate.json. */
  dir: string;
  seed: number;
  /** Overrides generate.json's totals: this many contacts, conversations and tickets. */
  scale?: number;
}

interface GenerateConfig {
  from: string;
  to: string;
  totals: Partial<Record<'users' | 'contacts' | 'conversations' | 'tickets', number>>;
  messages_per_conversation: [number, number];
  company_domain_share: number;
  company_domain: string;
  tags: string[];
  subjects: string[];
  bodies: string[];
}

const GENERATE_DEFAULTS: GenerateConfig = {
  from: '2025-06-01T00:00:00Z',
  to: '2026-06-01T00:00:00Z',
  totals: {},
  messages_per_conversation: [1, 3],
  company_domain_share: 0,
  company_domain: 'company.com',
  tags: [],
  subjects: ['Question about my account'],
  bodies: ['Thanks for reaching out!'],
};

function readJson<T>(dir: string, file: string, fallback: T): T {
  const path = join(dir, file);
  if (!existsSync(path)) return fallback;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`Fixture file ${path} is not valid JSON: ${(err as Error).message}.`);
  }
  const wanted = Array.isArray(fallback) ? 'array' : 'object';
  if ((wanted === 'array') !== Array.isArray(parsed) || !parsed || typeof parsed !== 'object') {
    throw new Error(`Fixture file ${path} must hold a JSON ${wanted}${wanted === 'array' ? ' of records' : ''}.`);
  }
  return parsed as T;
}

/** The fixtures' workspace (workspace.json, or the overview's `ws_456`); the directory must exist. */
export function readWorkspaceInfo(dir: string, from = GENERATE_DEFAULTS.from): WorkspaceInfo {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) throw new Error(`The fixtures directory ${dir} does not exist.`);
  return readJson<WorkspaceInfo>(dir, 'workspace.json', { id: 'ws_456', name: 'My Workspace', owner_id: 'user_123', created_at: from });
}

/** Tells what is wrong with a value ('workspace' info or a record of a collection), or nothing. */
export type FixtureCheck = (kind: 'workspace' | CollectionName, value: unknown) => string | undefined;

/**
 * Checks a fixtures directory before the server starts on it: every file parses, every
 * hand-written and generated record fits its schema, ids are unique and the workspace's
 * owner exists. Throws one line naming the file, the record and the field.
 */
export async function checkFixtures(opts: FixtureOptions, check: FixtureCheck): Promise<void> {
  const info = readWorkspaceInfo(opts.dir);
  const infoProblem = check('workspace', info);
  if (infoProblem) throw new Error(`Fixture file ${join(opts.dir, 'workspace.json')}: ${infoProblem}`);
  for (const c of COLLECTIONS) {
    const file = join(opts.dir, `${c}.json`);
    const seen = new Set<string>();
    for (const [i, record] of readJson<Rec[]>(opts.dir, `${c}.json`, []).entries()) {
      const name = typeof record?.id === 'string' ? `'${record.id}'` : `#${i + 1}`;
      const problem = check(c, record);
      if (problem) throw new Error(`Fixture file ${file}, record ${name}: ${problem}`);
      if (seen.has(record.id)) throw new Error(`Fixture file ${file}, record ${name}: the id is used twice.`);
      seen.add(record.id);
    }
  }
  const data = await buildFixtures(opts);
  const owner = data.workspace.owner_id;
  if (!own(data.collections.users, owner)) {
    throw new Error(`Fixture file ${join(opts.dir, 'workspace.json')}: the owner '${owner}' is not one of the users (users.json).`);
  }
  for (const c of COLLECTIONS) {
    for (const record of Object.values(data.collections[c])) {
      const problem = check(c, record);
      if (problem) throw new Error(`Fixtures generated from ${join(opts.dir, 'generate.json')} (seed ${opts.seed}), ${c} record '${record.id}': ${problem}`);
    }
  }
}

const built = new Map<string, WorkspaceData>();

/**
 * The fixture workspace for a directory, seed and scale: hand-written records plus
 * faker-generated ones. Deterministic; built once per key and handed out as copies.
 */
export async function buildFixtures(opts: FixtureOptions): Promise<WorkspaceData> {
  const key = `${opts.dir}\0${opts.seed}\0${opts.scale ?? ''}`;
  let data = built.get(key);
  if (!data) {
    data = generate(opts, await loadFaker());
    // Scaled (benchmark) fixtures are too big to keep a pristine copy of; they are rebuilt on reset.
    if (opts.scale !== undefined) return data;
    built.set(key, data);
  }
  return structuredClone(data);
}

function generate(opts: FixtureOptions, FakerClass: FakerFactory): WorkspaceData {
  const cfg: GenerateConfig = { ...GENERATE_DEFAULTS, ...readJson<Partial<GenerateConfig>>(opts.dir, 'generate.json', {}) };
  const workspace = readWorkspaceInfo(opts.dir, cfg.from);
  const f = new FakerClass(opts.seed);
  const hand = Object.fromEntries(COLLECTIONS.map((c) => [c, readJson<Rec[]>(opts.dir, `${c}.json`, [])])) as Record<CollectionName, Rec[]>;
  const taken = new Set(COLLECTIONS.flatMap((c) => hand[c].map((r) => r.id)));
  const newId = createIdFactory(f, (id) => taken.has(id), (id) => taken.add(id));
  const from = Date.parse(cfg.from);
  const to = Date.parse(cfg.to);
  const instant = (min = from) => Math.floor(f.number.int({ min, max: to - 1000 }) / 1000) * 1000;
  const later = (start: number, maxMs: number) => Math.min(to - 1000, start + f.number.int({ min: 0, max: maxMs / 1000 }) * 1000);
  const total = (c: 'users' | 'contacts' | 'conversations' | 'tickets') =>
    Math.max(0, (c !== 'users' && opts.scale !== undefined ? opts.scale : cfg.totals[c] ?? 0) - hand[c].length);
  const pickTags = () => (cfg.tags.length ? f.helpers.arrayElements(cfg.tags, { min: 0, max: 2 }) : []);
  const subject = () => f.helpers.arrayElement(cfg.subjects).replace('{n}', String(f.number.int({ min: 1000, max: 9999 })));

  const users = [...hand.users];
  for (let i = 0; i < total('users'); i++) {
    const firstName = f.person.firstName();
    const lastName = f.person.lastName();
    const created = instant();
    users.push({
      id: newId('user_'), email: f.internet.email({ firstName, lastName, provider: cfg.company_domain }).toLowerCase(),
      name: `${firstName} ${lastName}`, role: f.helpers.weightedArrayElement([{ value: 'agent', weight: 4 }, { value: 'admin', weight: 1 }]),
      created_at: toIso(created), updated_at: toIso(later(created, 30 * 864e5)),
    });
  }

  const emails = new Set(hand.contacts.map((c) => String(c.email)));
  const contacts = [...hand.contacts];
  for (let i = 0; i < total('contacts'); i++) {
    const firstName = f.person.firstName();
    const lastName = f.person.lastName();
    const atCompany = f.number.float({ min: 0, max: 1 }) < cfg.company_domain_share;
    let email = f.internet.email({ firstName, lastName, ...(atCompany ? { provider: cfg.company_domain } : {}) }).toLowerCase();
    for (let n = 2; emails.has(email); n++) email = email.replace(/^([^@]+?)(\d*)@/, `$1${n}@`);
    emails.add(email);
    const created = instant();
    contacts.push({
      id: newId('contact_'), name: `${firstName} ${lastName}`, email,
      phone: f.datatype.boolean(0.6) ? f.phone.number({ style: 'international' }) : null,
      company: atCompany ? 'Company Inc' : f.datatype.boolean(0.5) ? f.company.name() : null,
      tags: pickTags(), created_at: toIso(created), updated_at: toIso(later(created, 60 * 864e5)),
    });
  }

  const userIds = users.map((u) => u.id);
  const contactIds = contacts.map((c) => c.id);
  const conversations = [...hand.conversations];
  const messages = [...hand.messages];
  for (let i = 0; i < total('conversations'); i++) {
    const id = newId('conv_');
    const contactId = contactIds.length ? f.helpers.arrayElement(contactIds) : null;
    const assigneeId = userIds.length && f.datatype.boolean(0.8) ? f.helpers.arrayElement(userIds) : null;
    let at = instant();
    const created = at;
    const count = f.number.int({ min: cfg.messages_per_conversation[0], max: cfg.messages_per_conversation[1] });
    let last: Rec | undefined;
    for (let m = 0; m < count; m++) {
      if (m > 0) at = later(at, 2 * 864e5);
      const fromContact = m % 2 === 0 || !assigneeId;
      last = {
        id: newId('msg_'), conversation_id: id, body: f.helpers.arrayElement(cfg.bodies),
        type: fromContact ? 'reply' : f.helpers.weightedArrayElement([{ value: 'comment', weight: 4 }, { value: 'note', weight: 1 }]),
        author_type: fromContact ? 'contact' : 'user', author_id: fromContact ? contactId : assigneeId,
        created_at: toIso(at), updated_at: toIso(at),
      };
      messages.push(last);
    }
    conversations.push({
      id, subject: subject(),
      status: f.helpers.weightedArrayElement([{ value: 'open', weight: 4 }, { value: 'pending', weight: 2 }, { value: 'closed', weight: 4 }]),
      channel: f.helpers.arrayElement(['email', 'chat', 'sms', 'whatsapp', 'phone']),
      contact_id: contactId, assignee_id: assigneeId, tags: pickTags(), message_count: count,
      last_message_at: last ? last.created_at : null,
      last_message_preview: last ? String(last.body).slice(0, 140) : null,
      created_at: toIso(created), updated_at: toIso(at),
    });
  }

  const conversationIds = conversations.map((c) => c.id);
  const tickets = [...hand.tickets];
  for (let i = 0; i < total('tickets'); i++) {
    const created = instant();
    tickets.push({
      id: newId('ticket_'), subject: subject(),
      description: f.datatype.boolean(0.7) ? f.lorem.sentence() : null,
      status: f.helpers.weightedArrayElement([
        { value: 'open', weight: 4 }, { value: 'pending', weight: 2 }, { value: 'resolved', weight: 3 }, { value: 'closed', weight: 1 }]),
      priority: f.helpers.weightedArrayElement([
        { value: 'low', weight: 2 }, { value: 'normal', weight: 5 }, { value: 'high', weight: 2 }, { value: 'urgent', weight: 1 }]),
      assignee_id: userIds.length && f.datatype.boolean(0.75) ? f.helpers.arrayElement(userIds) : null,
      contact_id: contactIds.length && f.datatype.boolean(0.9) ? f.helpers.arrayElement(contactIds) : null,
      conversation_id: conversationIds.length && f.datatype.boolean(0.3) ? f.helpers.arrayElement(conversationIds) : null,
      tags: pickTags(), created_at: toIso(created), updated_at: toIso(later(created, 20 * 864e5)),
    });
  }

  const byId = (list: Rec[]) => dict(Object.fromEntries(list.map((r) => [r.id, r])) as Record<string, Rec>);
  return {
    workspace,
    seed: opts.seed,
    collections: {
      users: byId(users), conversations: byId(conversations), messages: byId(messages),
      contacts: byId(contacts), tickets: byId(tickets), webhooks: byId(hand.webhooks), deliveries: byId(hand.deliveries),
    },
  };
}
