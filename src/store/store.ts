import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Low, Memory } from 'lowdb';
import type { Clock } from '../clock.js';
import { Collection } from './collection.js';
import { buildFixtures, type FixtureOptions } from './fixtures.js';
import { createIdFactory, loadFaker } from './random.js';
import { ALL_SCOPES, COLLECTIONS, type ApiKeyRecord, type CollectionName, type DbData, type Plan, type WorkspaceData } from './types.js';

export interface StoreOptions {
  /** Persist to this JSON file (lowdb JSONFile, atomic writes); memory only when absent. */
  dataFile?: string;
  fixtures: FixtureOptions;
  clock: Clock;
  /** Plan of the default keys. */
  plan: Plan;
}

/** One workspace's live view: its collections with indexes, and a seeded id source. */
export class Workspace {
  readonly collections: Record<CollectionName, Collection>;

  constructor(readonly data: WorkspaceData, private readonly nextId: (prefix: string) => string) {
    this.collections = Object.fromEntries(
      COLLECTIONS.map((name) => [name, new Collection((data.collections[name] ??= {}))]),
    ) as Record<CollectionName, Collection>;
  }

  get id(): string {
    return this.data.workspace.id;
  }

  newId(prefix: string): string {
    return this.nextId(prefix);
  }
}

export const DEFAULT_KEYS = { test: 'sk_test_commflow', live: 'sk_live_commflow' } as const;

function defaultKeys(workspaceId: string, plan: Plan, createdAt: string): ApiKeyRecord[] {
  return (['test', 'live'] as const).map((mode) => ({
    id: `key_default_${mode}`, key: DEFAULT_KEYS[mode], name: `Default ${mode} key`, scopes: [...ALL_SCOPES],
    plan, mode, workspace_id: workspaceId, revoked: false, created_at: createdAt,
  }));
}

/**
 * The state of the mock, held by lowdb. Fixture workspaces are built lazily on first
 * use, so start-up does not pay for faker.
 */
export class Store {
  private live = new Map<string, Promise<Workspace>>();

  private constructor(
    private readonly db: Low<DbData>,
    private readonly opts: StoreOptions,
    readonly defaultWorkspaceId: string,
  ) {}

  static async open(opts: StoreOptions): Promise<Store> {
    const wsFile = join(opts.fixtures.dir, 'workspace.json');
    const defaultWorkspaceId = existsSync(wsFile)
      ? String((JSON.parse(readFileSync(wsFile, 'utf8')) as { id?: string }).id ?? 'ws_456')
      : 'ws_456';
    const initial = (): DbData => ({
      version: 1,
      apiKeys: defaultKeys(defaultWorkspaceId, opts.plan, opts.clock.iso()),
      workspaces: {},
    });
    let db: Low<DbData>;
    if (opts.dataFile) {
      const { JSONFile } = await import('lowdb/node');
      db = new Low<DbData>(new JSONFile<DbData>(opts.dataFile), initial());
      try {
        await db.read();
      } catch (err) {
        throw new Error(`Cannot read the data file ${opts.dataFile}: ${(err as Error).message}`);
      }
      if (db.data?.version !== 1 || !Array.isArray(db.data.apiKeys) || typeof db.data.workspaces !== 'object') {
        throw new Error(`The data file ${opts.dataFile} is not a commflow-mock data file.`);
      }
      for (const key of db.data.apiKeys) if (key.id.startsWith('key_default_')) key.plan = opts.plan;
    } else {
      db = new Low<DbData>(new Memory<DbData>(), initial());
    }
    return new Store(db, opts, defaultWorkspaceId);
  }

  get apiKeys(): ApiKeyRecord[] {
    return this.db.data.apiKeys;
  }

  /** The workspace, built from fixtures on first use; undefined if no such workspace exists. */
  workspace(id: string): Promise<Workspace> | undefined {
    let ws = this.live.get(id);
    if (ws) return ws;
    const stored = this.db.data.workspaces[id];
    if (stored) ws = this.wrap(stored);
    else if (id === this.defaultWorkspaceId) {
      ws = buildFixtures(this.opts.fixtures).then((data) => {
        this.db.data.workspaces[id] = data;
        return this.wrap(data);
      });
    } else return undefined;
    this.live.set(id, ws);
    return ws;
  }

  private async wrap(data: WorkspaceData): Promise<Workspace> {
    const f = new (await loadFaker())(data.seed ^ 0x5eed);
    let ws: Workspace | undefined;
    const taken = (id: string) => COLLECTIONS.some((c) => ws!.collections[c].has(id));
    ws = new Workspace(data, createIdFactory(f, taken));
    return ws;
  }

  /** Ids of the workspaces held in the data (built or loaded), e.g. to resume their outboxes. */
  storedWorkspaceIds(): string[] {
    return Object.keys(this.db.data.workspaces);
  }

  /** The workspaces in use so far. */
  async loadedWorkspaces(): Promise<Workspace[]> {
    return Promise.all(this.live.values());
  }

  /** Persists every change so far (atomic write with --data); resolves once it is durable. */
  async commit(): Promise<void> {
    if (this.opts.dataFile) await this.db.write();
  }

  /** Back to the fixtures: default keys, no other workspace, no change. */
  async reset(): Promise<void> {
    this.live.clear();
    this.db.data = {
      version: 1,
      apiKeys: defaultKeys(this.defaultWorkspaceId, this.opts.plan, this.opts.clock.iso()),
      workspaces: {},
    };
    await this.commit();
  }
}
