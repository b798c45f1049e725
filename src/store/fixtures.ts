import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Dict, dict, own } from './dict.js';
import * as make from './factories.js';
import type { FactoryContext, GenerateConfig } from './factories.js';
import type { CollectionName, Rec, WorkspaceData, WorkspaceInfo } from './types.js';
import { COLLECTIONS } from './types.js';
import { PREBUILT_FILE, readPrebuilt } from './prebuilt.js';
import { createIdFactory, loadFaker, type FakerFactory } from './random.js';

export interface FixtureOptions {
  /** Directory of hand-written records (users.json, tickets.json, ...) and generate.json. */
  dir: string;
  seed: number;
  /** Overrides generate.json's totals: this many contacts, conversations and tickets. */
  scale?: number;
  /** Fixtures generated at build time (see prebuilt.ts), used when made from this dir and seed. */
  prebuilt?: string;
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

/** The workspace of a fixtures directory without workspace.json: the one the API overview's examples use. */
const OVERVIEW_WORKSPACE = { id: 'ws_456', name: 'My Workspace', owner_id: 'user_123' } as const;

/** The fixtures' workspace (workspace.json, or the overview's `ws_456`); the directory must exist. */
export function readWorkspaceInfo(dir: string, from = GENERATE_DEFAULTS.from): WorkspaceInfo {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) throw new Error(`The fixtures directory ${dir} does not exist.`);
  return readJson<WorkspaceInfo>(dir, 'workspace.json', { ...OVERVIEW_WORKSPACE, created_at: from });
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
 * faker-generated ones. Deterministic; built once per key. Every workspace built from the same
 * key shares its records and collections, frozen, until it writes: a collection copies its
 * record map on its first write (copy on write, see Collection), and records are never changed
 * in place (a write stores a new object).
 */
export async function buildFixtures(opts: FixtureOptions): Promise<WorkspaceData> {
  const key = `${opts.dir}\0${opts.seed}\0${opts.scale ?? ''}`;
  let data = built.get(key);
  if (!data) {
    // Scaled (benchmark) fixtures are too big to keep a pristine copy of; they are rebuilt on reset.
    if (opts.scale !== undefined) return generate(opts, await loadFaker());
    data = readPrebuilt(opts.prebuilt ?? PREBUILT_FILE, opts.dir, opts.seed) ?? generate(opts, await loadFaker());
    for (const c of COLLECTIONS) {
      for (const record of Object.values(data.collections[c])) deepFreeze(record);
      Object.freeze(data.collections[c]);
    }
    built.set(key, data);
  }
  return { ...data, workspace: { ...data.workspace }, collections: { ...data.collections } };
}

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const inner of Object.values(value)) deepFreeze(inner);
}

const ids = (list: Rec[]): string[] => list.map((r) => r.id);

/** The collection whose records a generated id prefix names. */
const PREFIXES: Record<string, CollectionName> = { user_: 'users', contact_: 'contacts', conv_: 'conversations', msg_: 'messages', ticket_: 'tickets' };

/**
 * The record maps of a generated workspace, filled as ids are issued: hand-written records
 * first (a later duplicate replaces an earlier one in its place), then each generated id as it
 * is drawn, so its record lands in draw order and an id is known taken without a set of its own
 * (at 100k records per collection a set of every id cost a tenth of the generation).
 */
class RecordMaps {
  readonly collections = Object.fromEntries(COLLECTIONS.map((c) => [c, dict<Rec>()])) as Record<CollectionName, Dict<Rec>>;
  private readonly handIds = new Set<string>();
  private readonly other = new Set<string>();

  constructor(hand: Record<CollectionName, Rec[]>) {
    for (const c of COLLECTIONS) {
      for (const r of hand[c]) {
        this.collections[c][r.id] = r;
        this.handIds.add(r.id);
      }
    }
  }

  isTaken(id: string, prefix: string): boolean {
    const c = Object.hasOwn(PREFIXES, prefix) ? PREFIXES[prefix] : undefined;
    return this.handIds.has(id) || (c ? id in this.collections[c] : this.other.has(id));
  }

  /** Marks an id as taken, in the place its record will have. */
  issue(id: string, prefix: string): void {
    const c = Object.hasOwn(PREFIXES, prefix) ? PREFIXES[prefix] : undefined;
    if (c) this.collections[c][id] = undefined as unknown as Rec;
    else this.other.add(id);
  }

  /** Puts the generated records (hand-written ones already are) in the places their ids took. */
  fill(c: CollectionName, list: Rec[], handCount: number): void {
    const map = this.collections[c];
    for (let i = handCount; i < list.length; i++) map[list[i]!.id] = list[i]!;
  }
}

/** Hand-written records, then generated ones: each collection from its factory, in a fixed order (the seed's faker calls run in sequence). */
function generate(opts: FixtureOptions, seeded: FakerFactory): WorkspaceData {
  const cfg: GenerateConfig = { ...GENERATE_DEFAULTS, ...readJson<Partial<GenerateConfig>>(opts.dir, 'generate.json', {}) };
  const workspace = readWorkspaceInfo(opts.dir, cfg.from);
  const f = seeded(opts.seed);
  const hand = Object.fromEntries(COLLECTIONS.map((c) => [c, readJson<Rec[]>(opts.dir, `${c}.json`, [])])) as Record<CollectionName, Rec[]>;
  const maps = new RecordMaps(hand);
  let prefix = '';
  const issueId = createIdFactory(
    f,
    (id) => maps.isTaken(id, prefix),
    (id) => maps.issue(id, prefix),
  );
  const ctx: FactoryContext = {
    cfg,
    from: Date.parse(cfg.from),
    to: Date.parse(cfg.to),
    count: (c) => Math.max(0, (c !== 'users' && opts.scale !== undefined ? opts.scale : (cfg.totals[c] ?? 0)) - hand[c].length),
    newId: (p) => {
      prefix = p;
      return issueId(p);
    },
  };

  const users = make.users(f, ctx, hand.users);
  const contacts = make.contacts(f, ctx, hand.contacts);
  const people = { userIds: ids(users), contactIds: ids(contacts) };
  const { conversations, messages } = make.conversations(f, ctx, hand, people);
  const tickets = make.tickets(f, ctx, hand.tickets, { ...people, conversationIds: ids(conversations) });
  const generated = { users, contacts, conversations, messages, tickets };
  for (const c of Object.keys(generated) as (keyof typeof generated)[]) maps.fill(c, generated[c], hand[c].length);

  return {
    workspace,
    seed: opts.seed,
    collections: maps.collections,
  };
}
