import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Low, Memory } from 'lowdb';
import type { Clock } from '../clock.js';
import { Collection } from './collection.js';
import { buildFixtures, type FixtureOptions } from './fixtures.js';
import { createIdFactory, loadFaker } from './random.js';
import { ALL_SCOPES, COLLECTIONS, type ApiKeyRecord, type CollectionName, type DbData, type Plan, type WorkspaceData, type WorkspaceInfo } from './types.js';

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
    // Ids of new records differ between workspaces (the workspace id is in the seed) yet repeat run to run.
    let h = 0x811c9dc5;
    for (const ch of data.workspace.id) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    const f = new (await loadFaker())((data.seed ^ 0x5eed ^ h) >>> 0);
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

  /** Fresh data for a workspace: the fixtures of its seed, or (empty) only its owner. */
  private async fresh(info: Omit<WorkspaceInfo, 'owner_id'>, seed: number, fixtures: 'default' | 'empty'): Promise<WorkspaceData> {
    const data = await buildFixtures({ ...this.opts.fixtures, seed });
    const owner = data.collections.users[data.workspace.owner_id];
    if (fixtures === 'empty') {
      for (const name of COLLECTIONS) data.collections[name] = {};
      if (owner) data.collections.users[owner.id] = owner;
    }
    return { ...data, workspace: { ...data.workspace, ...info }, seed, fixtures };
  }

  /** A new, isolated workspace with its own deterministic fixtures (built once per seed, then copied). */
  async createWorkspace(opts: { name?: string; seed?: number; fixtures?: 'default' | 'empty' }): Promise<Workspace> {
    let id: string;
    do id = `ws_${randomBytes(6).toString('hex')}`; while (this.db.data.workspaces[id]);
    const count = Object.keys(this.db.data.workspaces).length + 1;
    const data = await this.fresh(
      { id, name: opts.name ?? `Workspace ${count}`, created_at: this.opts.clock.iso() },
      opts.seed ?? this.opts.fixtures.seed,
      opts.fixtures ?? 'default',
    );
    this.db.data.workspaces[id] = data;
    const ws = this.wrap(data);
    this.live.set(id, ws);
    return ws;
  }

  /** Back to this workspace's fixtures (its keys stay valid). */
  async resetWorkspace(id: string): Promise<boolean> {
    const current = this.db.data.workspaces[id];
    const isDefault = id === this.defaultWorkspaceId;
    if (!current && !isDefault) return false;
    // The default workspace is the fixtures themselves (as on first use); others are rebuilt from their seed.
    const data = isDefault ? await buildFixtures(this.opts.fixtures) : await this.fresh(current!.workspace, current!.seed, current!.fixtures ?? 'default');
    this.db.data.workspaces[id] = data;
    this.live.set(id, this.wrap(data));
    return true;
  }

  /** Removes a workspace, its data and its keys (not the default one: reset that instead). */
  deleteWorkspace(id: string): boolean {
    if (!this.db.data.workspaces[id] || id === this.defaultWorkspaceId) return false;
    delete this.db.data.workspaces[id];
    this.live.delete(id);
    this.db.data.apiKeys = this.db.data.apiKeys.filter((k) => k.workspace_id !== id);
    return true;
  }

  /** Every workspace, built or not yet (the default one is always there until deleted). */
  async workspaceList(): Promise<WorkspaceInfo[]> {
    const ids = new Set([this.defaultWorkspaceId, ...Object.keys(this.db.data.workspaces)]);
    const out: WorkspaceInfo[] = [];
    for (const id of ids) {
      const ws = await this.workspace(id);
      if (ws) out.push(ws.data.workspace);
    }
    return out;
  }

  /** The whole state (or one workspace and its keys) as plain JSON. */
  async exportState(workspaceId?: string): Promise<DbData | undefined> {
    const ids = workspaceId ? [workspaceId] : (await this.workspaceList()).map((w) => w.id);
    const workspaces: Record<string, WorkspaceData> = {};
    for (const id of ids) {
      const ws = await this.workspace(id);
      if (!ws) return undefined;
      workspaces[id] = ws.data;
    }
    const apiKeys = this.db.data.apiKeys.filter((k) => !workspaceId || k.workspace_id === workspaceId);
    return structuredClone({ version: 1, apiKeys, workspaces });
  }

  /**
   * Restores a snapshot exactly: all of it, or (when it holds some workspaces) those workspaces
   * and their keys, leaving the others alone.
   */
  async importState(snapshot: DbData, whole: boolean): Promise<void> {
    const copy = structuredClone(snapshot);
    if (whole) {
      this.db.data = copy;
      this.live.clear();
    } else {
      const ids = new Set(Object.keys(copy.workspaces));
      for (const id of ids) {
        this.db.data.workspaces[id] = copy.workspaces[id]!;
        this.live.delete(id);
      }
      this.db.data.apiKeys = [...this.db.data.apiKeys.filter((k) => !ids.has(k.workspace_id)), ...copy.apiKeys];
    }
    await this.commit();
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
