import { randomBytes } from 'node:crypto';
import { Low, Memory } from 'lowdb';
import type { Clock } from '../clock.js';
import { errors } from '../errors.js';
import { LIMITS } from '../limits.js';
import { Collection, type UndoSink } from './collection.js';
import { dict, own } from './dict.js';
import { buildFixtures, readWorkspaceInfo, type FixtureOptions } from './fixtures.js';
import { idSuffixes } from './ids.js';
import { openDataFile } from './data-file.js';
import { ALL_SCOPES, COLLECTIONS, type ApiKeyRecord, type CollectionName, type DbData, type Plan, type WorkspaceData, type WorkspaceInfo } from './types.js';

export interface StoreOptions {
  /** Persist to this JSON file (lowdb JSONFile, atomic writes); memory only when absent. */
  dataFile?: string;
  fixtures: FixtureOptions;
  clock: Clock;
  /** Plan of the default keys. */
  plan: Plan;
  /** Checks a state read from the data file (schema and consistency); throws on a bad one. */
  accept?: (data: unknown) => Promise<DbData>;
  /** Most workspaces held at once (the default one included). */
  maxWorkspaces: number;
  /** Most API keys held at once. */
  maxApiKeys: number;
}

/** One workspace's live view: its collections with indexes, and its id source. */
export class Workspace {
  readonly collections: Record<CollectionName, Collection>;

  constructor(readonly data: WorkspaceData, private readonly nextId: (prefix: string) => string, onChange: UndoSink) {
    this.collections = Object.fromEntries(
      COLLECTIONS.map((name) => {
        const records = data.collections[name];
        // Records are looked up by client-given ids: the map must have no prototype.
        if (!records || Object.getPrototypeOf(records) !== null) data.collections[name] = dict(records);
        return [name, new Collection(data.collections[name], onChange)];
      }),
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

/** Copies a state so that every map keyed by ids has no prototype. */
function normalise(data: DbData): DbData {
  const workspaces = dict<WorkspaceData>();
  for (const [id, ws] of Object.entries(data.workspaces)) {
    workspaces[id] = { ...ws, collections: Object.fromEntries(COLLECTIONS.map((c) => [c, dict(ws.collections[c])])) as WorkspaceData['collections'] };
  }
  return { version: 1, apiKeys: [...data.apiKeys], workspaces, idCounters: dict(data.idCounters) };
}

/**
 * The state of the mock, held by lowdb. Fixture workspaces are built lazily on first
 * use, so start-up does not pay for faker. Every change happens inside `transaction`:
 * it lands in memory and (with --data) on disk, or it is undone and the error is thrown.
 */
export class Store {
  private live = new Map<string, Promise<Workspace>>();
  private undo: (() => void)[] | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  /** Bumped on every change to the API keys (their lookup index is rebuilt then). */
  keysVersion = 0;

  private constructor(
    private readonly db: Low<DbData>,
    private readonly opts: StoreOptions,
    readonly defaultWorkspaceId: string,
  ) {}

  static async open(opts: StoreOptions): Promise<Store> {
    const defaultWorkspaceId = readWorkspaceInfo(opts.fixtures.dir).id;
    const initial = (): DbData => normalise({
      version: 1,
      apiKeys: defaultKeys(defaultWorkspaceId, opts.plan, opts.clock.iso()),
      workspaces: {},
    });
    let db: Low<DbData>;
    if (opts.dataFile) {
      const file = await openDataFile(opts.dataFile, opts.accept ?? (async (d) => d as DbData));
      db = new Low<DbData>(file.adapter, initial());
      if (file.data) {
        db.data = normalise(file.data);
        for (const key of db.data.apiKeys) if (key.id.startsWith('key_default_')) key.plan = opts.plan;
      }
    } else {
      db = new Low<DbData>(new Memory<DbData>(), initial());
    }
    return new Store(db, opts, defaultWorkspaceId);
  }

  get apiKeys(): readonly ApiKeyRecord[] {
    return this.db.data.apiKeys;
  }

  /** Whether a workspace exists (the default one until it is built, too). */
  has(id: string): boolean {
    return Object.hasOwn(this.db.data.workspaces, id) || id === this.defaultWorkspaceId;
  }

  /** The workspace, built from fixtures on first use; undefined if no such workspace exists. */
  workspace(id: string): Promise<Workspace> | undefined {
    let ws = this.live.get(id);
    if (ws) return ws;
    const stored = own(this.db.data.workspaces, id);
    if (stored) ws = Promise.resolve(this.wrap(stored));
    else if (id === this.defaultWorkspaceId) {
      ws = buildFixtures(this.opts.fixtures).then((data) => {
        const current = own(this.db.data.workspaces, id);
        if (current) return this.wrap(current);
        this.db.data.workspaces[id] = data;
        return this.wrap(data);
      });
    } else return undefined;
    const pending = ws;
    // A workspace that failed to build is not kept: the next use tries again.
    pending.catch(() => {
      if (this.live.get(id) === pending) this.live.delete(id);
    });
    this.live.set(id, pending);
    return pending;
  }

  private wrap(data: WorkspaceData): Workspace {
    const wsId = data.workspace.id;
    const suffix = idSuffixes(data.seed, wsId);
    const counters = () => (this.db.data.idCounters ??= dict());
    let ws: Workspace | undefined;
    const taken = (id: string) => COLLECTIONS.some((c) => ws!.collections[c].has(id));
    const nextId = (prefix: string) => {
      // The counter only grows (even when a write is undone), so an id is never handed out twice.
      for (;;) {
        const n = own(counters(), wsId) ?? 0;
        counters()[wsId] = n + 1;
        const id = prefix + suffix(n);
        if (!taken(id)) return id;
      }
    };
    ws = new Workspace(data, nextId, this.recordUndo);
    return ws;
  }

  /** Ids of the workspaces held in the data (built or loaded), e.g. to resume their outboxes. */
  storedWorkspaceIds(): string[] {
    return Object.keys(this.db.data.workspaces);
  }

  /** The workspaces in use so far. */
  async loadedWorkspaces(): Promise<Workspace[]> {
    const settled = await Promise.allSettled(this.live.values());
    return settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  }

  /**
   * Runs a change: `work` mutates (synchronously, through the store's mutators and the
   * workspaces' collections), then the state is persisted. If either throws, every mutation
   * of `work` is undone and the error is rethrown. In memory a change is atomic as it runs;
   * with --data, changes run one at a time so that each write holds exactly what landed.
   */
  transaction<T>(work: () => T): Promise<T> {
    if (!this.opts.dataFile) {
      try {
        return Promise.resolve(this.apply(work));
      } catch (err) {
        return Promise.reject(err);
      }
    }
    const run = async () => {
      let undo: (() => void)[] = [];
      const result = this.apply(work, (steps) => (undo = steps));
      try {
        await this.db.write().catch((err: unknown) => Promise.reject(errors.notPersisted(err)));
      } catch (err) {
        for (let i = undo.length - 1; i >= 0; i--) undo[i]!();
        throw err;
      }
      return result;
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Runs `work` recording its undo steps; undoes them if it throws. */
  private apply<T>(work: () => T, keep?: (undo: (() => void)[]) => void): T {
    const undo: (() => void)[] = [];
    this.undo = undo;
    try {
      const result = work();
      if (result instanceof Promise) throw new Error('A store transaction must change the state synchronously.');
      keep?.(undo);
      return result;
    } catch (err) {
      for (let i = undo.length - 1; i >= 0; i--) undo[i]!();
      throw err;
    } finally {
      this.undo = undefined;
    }
  }

  /** Resolves once every change begun so far has landed (or failed). */
  settled(): Promise<unknown> {
    return this.queue;
  }

  private readonly recordUndo: UndoSink = (step) => {
    this.undo?.push(step);
  };

  private changing(): (() => void)[] {
    if (!this.undo) throw new Error('A store change was made outside a transaction.');
    return this.undo;
  }

  /** Swaps the whole state (and the built workspaces), undoably. */
  private replaceAll(data: DbData): void {
    const undo = this.changing();
    const [before, live] = [this.db.data, new Map(this.live)];
    undo.push(() => {
      this.db.data = before;
      this.live = live;
      this.keysVersion++;
    });
    this.db.data = data;
    this.live.clear();
    this.keysVersion++;
  }

  /** Sets (or, with undefined, removes) one workspace's data, undoably. */
  private setWorkspace(id: string, data: WorkspaceData | undefined): Workspace | undefined {
    const undo = this.changing();
    const [before, live] = [own(this.db.data.workspaces, id), this.live.get(id)];
    undo.push(() => {
      if (before) this.db.data.workspaces[id] = before;
      else delete this.db.data.workspaces[id];
      if (live) this.live.set(id, live);
      else this.live.delete(id);
    });
    if (!data) {
      delete this.db.data.workspaces[id];
      this.live.delete(id);
      return undefined;
    }
    this.db.data.workspaces[id] = data;
    const ws = this.wrap(data);
    this.live.set(id, Promise.resolve(ws));
    return ws;
  }

  /** Replaces the API keys, undoably. */
  private setKeys(keys: ApiKeyRecord[]): void {
    const undo = this.changing();
    const before = this.db.data.apiKeys;
    undo.push(() => {
      this.db.data.apiKeys = before;
      this.keysVersion++;
    });
    this.db.data.apiKeys = keys;
    this.keysVersion++;
  }

  /** Adds a key, or replaces the one with the same id (in a transaction). */
  putKey(key: ApiKeyRecord): void {
    const keys = this.db.data.apiKeys;
    const at = keys.findIndex((k) => k.id === key.id);
    if (at < 0 && keys.length >= this.opts.maxApiKeys) throw errors.limitReached('API keys', this.opts.maxApiKeys, 'Revoked keys count too; reset or delete a workspace.');
    this.setKeys(at < 0 ? [...keys, key] : keys.map((k, i) => (i === at ? key : k)));
  }

  /** A workspace id that has never been used in this data. */
  newWorkspaceId(): string {
    let id: string;
    do id = `ws_${randomBytes(6).toString('hex')}`; while (this.has(id) || own(this.db.data.idCounters ?? {}, id) !== undefined);
    return id;
  }

  /** Fresh data for a workspace: the fixtures of its seed, or (empty) only its owner. */
  async freshData(info: Omit<WorkspaceInfo, 'owner_id'>, seed: number, fixtures: 'default' | 'empty'): Promise<WorkspaceData> {
    const data = await buildFixtures({ ...this.opts.fixtures, seed });
    const owner = own(data.collections.users, data.workspace.owner_id);
    if (fixtures === 'empty') {
      for (const name of COLLECTIONS) data.collections[name] = {};
      if (owner) data.collections.users[owner.id] = owner;
    }
    return { ...data, workspace: { ...data.workspace, ...info }, seed, fixtures };
  }

  /** What a workspace goes back to on reset: the fixtures (the default one) or those of its seed. */
  async resetData(id: string): Promise<WorkspaceData | undefined> {
    if (id === this.defaultWorkspaceId) return buildFixtures(this.opts.fixtures);
    const current = own(this.db.data.workspaces, id);
    return current && this.freshData(current.workspace, current.seed, current.fixtures ?? 'default');
  }

  /** Adds a new workspace (in a transaction); refused past --max-workspaces. */
  addWorkspace(data: WorkspaceData): Workspace {
    const count = new Set([this.defaultWorkspaceId, ...Object.keys(this.db.data.workspaces)]).size;
    if (count >= this.opts.maxWorkspaces) {
      throw errors.limitReached('workspaces', this.opts.maxWorkspaces, 'Delete some (DELETE /_mock/workspaces/{id}) or start with a higher --max-workspaces.');
    }
    return this.setWorkspace(data.workspace.id, data)!;
  }

  /** A workspace's data replaced (reset; in a transaction). */
  replaceWorkspace(id: string, data: WorkspaceData): void {
    this.setWorkspace(id, data);
  }

  /** Removes a workspace, its data and its keys (in a transaction; not the default one). */
  deleteWorkspace(id: string): boolean {
    if (!Object.hasOwn(this.db.data.workspaces, id) || id === this.defaultWorkspaceId) return false;
    this.setWorkspace(id, undefined);
    this.setKeys(this.db.data.apiKeys.filter((k) => k.workspace_id !== id));
    this.forgetCounters();
    return true;
  }

  /** Counters of deleted workspaces are kept (a restored snapshot must not reuse ids), up to a bound. */
  private forgetCounters(): void {
    const counters = this.db.data.idCounters ?? {};
    const ids = Object.keys(counters);
    let excess = ids.length - LIMITS.deletedWorkspaceCounters - Object.keys(this.db.data.workspaces).length;
    for (const id of ids) {
      if (excess <= 0) break;
      if (this.has(id)) continue;
      delete counters[id];
      excess--;
    }
  }

  /** Every workspace, built or not yet (the default one is always there). */
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
    if (workspaceId !== undefined && !this.has(workspaceId)) return undefined;
    const ids = workspaceId !== undefined ? [workspaceId] : (await this.workspaceList()).map((w) => w.id);
    const workspaces: Record<string, WorkspaceData> = {};
    for (const id of ids) {
      const ws = await this.workspace(id);
      if (!ws) return undefined;
      workspaces[id] = ws.data;
    }
    const apiKeys = this.db.data.apiKeys.filter((k) => workspaceId === undefined || k.workspace_id === workspaceId);
    // Id counters stay out: a restore is exact, and the counters of this data never go back anyway.
    return structuredClone({ version: 1, apiKeys, workspaces });
  }

  /**
   * Restores a checked snapshot exactly (in a transaction): all of it, or (when it holds some
   * workspaces) those workspaces and their keys, leaving the others alone. Id counters never
   * go back (a snapshot that carries some, like a data file, raises them at most).
   */
  importState(snapshot: DbData, whole: boolean): void {
    const copy = normalise(structuredClone(snapshot));
    const counters = dict(this.db.data.idCounters);
    for (const [id, n] of Object.entries(copy.idCounters ?? {})) counters[id] = Math.max(n, own(counters, id) ?? 0);
    if (whole) {
      this.replaceAll({ ...copy, idCounters: counters });
      return;
    }
    for (const id of Object.keys(copy.workspaces)) this.setWorkspace(id, copy.workspaces[id]);
    const ids = new Set(Object.keys(copy.workspaces));
    this.setKeys([...this.db.data.apiKeys.filter((k) => !ids.has(k.workspace_id)), ...copy.apiKeys]);
    this.setCounters(counters);
  }

  private setCounters(counters: Record<string, number>): void {
    const undo = this.changing();
    const before = this.db.data.idCounters;
    undo.push(() => (this.db.data.idCounters = before));
    this.db.data.idCounters = counters;
  }

  /** Back to the fixtures (in a transaction): default keys, no other workspace, no change; id counters stay. */
  reset(): void {
    this.replaceAll({
      version: 1,
      apiKeys: defaultKeys(this.defaultWorkspaceId, this.opts.plan, this.opts.clock.iso()),
      workspaces: dict(),
      idCounters: this.db.data.idCounters,
    });
  }
}
