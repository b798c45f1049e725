import { randomBytes } from 'node:crypto';
import { Low, Memory } from 'lowdb';
import type { WorkspaceFiles } from './data-file.js';
import type { Clock } from '../clock.js';
import { errors } from '../errors.js';
import { LIMITS } from '../limits.js';
import { dict, own } from './dict.js';
import { buildFixtures, readWorkspaceInfo, type FixtureOptions } from './fixtures.js';
import { idSuffixes } from './ids.js';
import { Transactions, type ChangeSink } from './transactions.js';
import { Workspace } from './workspace.js';
import { ALL_SCOPES, COLLECTIONS, type ApiKeyRecord, type DbData, type Plan, type WorkspaceData, type WorkspaceInfo } from './types.js';

export interface StoreOptions {
  /** Persist to this file (a manifest) and one file per workspace beside it (see data-file.ts); memory only when absent. */
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
  /** Most records per collection per workspace. */
  maxRecords: number;
}

export const DEFAULT_KEYS = { test: 'sk_test_commflow', live: 'sk_live_commflow' } as const;

function defaultKeys(workspaceId: string, plan: Plan, createdAt: string): ApiKeyRecord[] {
  return (['test', 'live'] as const).map((mode) => ({
    id: `key_default_${mode}`,
    key: DEFAULT_KEYS[mode],
    name: `Default ${mode} key`,
    scopes: [...ALL_SCOPES],
    plan,
    mode,
    workspace_id: workspaceId,
    revoked: false,
    created_at: createdAt,
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
  /** Workspaces in use, built (wrapped with their indexes) from the data. */
  private built = new Map<string, Workspace>();
  /** The default workspace while its fixtures are being generated (first use). */
  private building: Promise<Workspace> | undefined;
  private readonly tx: Transactions;
  /** Bumped on every change to the API keys (their lookup index is rebuilt then). */
  keysVersion = 0;

  private constructor(
    private readonly db: Low<DbData>,
    private readonly opts: StoreOptions,
    readonly defaultWorkspaceId: string,
    /** With --data: told which workspaces a change touched (only those are written). */
    private readonly files?: WorkspaceFiles,
  ) {
    this.tx = new Transactions(opts.dataFile ? () => db.write() : undefined, (err) => errors.notPersisted(err));
  }

  static async open(opts: StoreOptions): Promise<Store> {
    const defaultWorkspaceId = readWorkspaceInfo(opts.fixtures.dir).id;
    const initial = (): DbData =>
      normalise({
        version: 1,
        apiKeys: defaultKeys(defaultWorkspaceId, opts.plan, opts.clock.iso()),
        workspaces: {},
      });
    let db: Low<DbData>;
    let files: WorkspaceFiles | undefined;
    if (opts.dataFile) {
      // Loaded only with --data: a start in memory does not pay for it.
      const { openDataFile } = await import('./data-file.js');
      const file = await openDataFile(opts.dataFile, opts.accept ?? (async (d) => d as DbData));
      files = file.adapter;
      db = new Low<DbData>(file.adapter, initial());
      if (file.data) {
        db.data = normalise(file.data);
        for (const key of db.data.apiKeys) if (key.id.startsWith('key_default_')) key.plan = opts.plan;
      }
    } else {
      db = new Low<DbData>(new Memory<DbData>(), initial());
    }
    return new Store(db, opts, defaultWorkspaceId, files);
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
    const ws = this.current(id);
    if (ws) return Promise.resolve(ws);
    if (id !== this.defaultWorkspaceId) return undefined;
    this.building ??= buildFixtures(this.opts.fixtures)
      .then((data) => {
        // Built outside any transaction: it is what the data held all along, made concrete.
        let stored = own(this.db.data.workspaces, id);
        if (!stored) {
          this.db.data.workspaces[id] = data;
          stored = data;
        }
        return this.current(id) ?? this.adopt(stored);
      })
      .finally(() => {
        if (this.building === building) this.building = undefined;
      });
    const building = this.building;
    return building;
  }

  /** The workspace as it is now, if it is built or stored (no fixture generation). */
  current(id: string): Workspace | undefined {
    const ws = this.built.get(id);
    if (ws) return ws;
    const stored = own(this.db.data.workspaces, id);
    return stored && this.adopt(stored);
  }

  private adopt(data: WorkspaceData): Workspace {
    const ws = this.wrap(data);
    this.built.set(data.workspace.id, ws);
    return ws;
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
        if (n >= LIMITS.idsPerWorkspace) throw errors.limitReached('ids handed out in a workspace', LIMITS.idsPerWorkspace, 'Create a new workspace.');
        counters()[wsId] = n + 1;
        const id = prefix + suffix(n);
        if (!taken(id)) return id;
      }
    };
    const record: ChangeSink = (undo, redo) => {
      this.files?.markDirty(wsId);
      this.tx.record(undo, redo);
    };
    ws = new Workspace(data, nextId, record);
    return ws;
  }

  /** Ids of the workspaces held in the data (built or loaded), e.g. to resume their outboxes. */
  storedWorkspaceIds(): string[] {
    return Object.keys(this.db.data.workspaces);
  }

  /** The workspaces in use so far. */
  loadedWorkspaces(): Workspace[] {
    return [...this.built.values()];
  }

  /**
   * Runs a change, all or nothing: `work` mutates synchronously (through the store's mutators,
   * the workspaces' collections and `track`); with --data the change becomes visible only once
   * it is on disk (see Transactions). A failed write answers `storage_error`.
   */
  transaction<T>(work: () => T): Promise<T> {
    return this.tx.run(work);
  }

  /** Reports a change made outside the store (a webhook queue) to the transaction in progress. */
  readonly track: ChangeSink = (undo, redo) => this.tx.record(undo, redo);

  /** Resolves once every change begun so far has landed (or failed). */
  settled(): Promise<unknown> {
    return this.tx.settled();
  }

  /** Called after every change that landed (the feed's `state` events). */
  onCommit(listener: (() => void) | undefined): void {
    this.tx.committed = listener;
  }

  /** Makes a change to the store's own maps, with its undo and redo reported to the transaction. */
  private change(undo: () => void, redo: () => void): void {
    if (!this.tx.active) throw new Error('A store change was made outside a transaction.');
    redo();
    this.tx.record(undo, redo);
  }

  /** Swaps the whole state (the built workspaces are dropped: they are rebuilt on use). */
  private replaceAll(data: DbData): void {
    const [before, built] = [this.db.data, this.built];
    this.files?.markDirty();
    this.change(
      () => {
        this.db.data = before;
        this.built = built;
        this.keysVersion++;
      },
      () => {
        this.db.data = data;
        this.built = new Map();
        this.keysVersion++;
      },
    );
  }

  /** Sets (or, with undefined, removes) one workspace's data. */
  private setWorkspace(id: string, data: WorkspaceData | undefined): Workspace | undefined {
    const [before, builtBefore] = [own(this.db.data.workspaces, id), this.built.get(id)];
    const after = data && this.wrap(data);
    this.files?.markDirty(id);
    const put = (d: WorkspaceData | undefined, ws: Workspace | undefined) => {
      if (d) this.db.data.workspaces[id] = d;
      else delete this.db.data.workspaces[id];
      if (ws) this.built.set(id, ws);
      else this.built.delete(id);
    };
    this.change(
      () => put(before, builtBefore),
      () => put(data, after),
    );
    return after;
  }

  /** Replaces the API keys. */
  private setKeys(keys: ApiKeyRecord[]): void {
    const before = this.db.data.apiKeys;
    this.change(
      () => {
        this.db.data.apiKeys = before;
        this.keysVersion++;
      },
      () => {
        this.db.data.apiKeys = keys;
        this.keysVersion++;
      },
    );
  }

  /** Adds a key, or replaces the one with the same id (in a transaction). */
  putKey(key: ApiKeyRecord): void {
    const keys = this.db.data.apiKeys;
    const at = keys.findIndex((k) => k.id === key.id);
    if (at < 0 && keys.length >= this.opts.maxApiKeys)
      throw errors.limitReached('API keys', this.opts.maxApiKeys, 'Revoked keys count too; reset or delete a workspace.');
    this.setKeys(at < 0 ? [...keys, key] : keys.map((k, i) => (i === at ? key : k)));
  }

  /** A workspace id that has never been used in this data. */
  newWorkspaceId(): string {
    let id: string;
    do id = `ws_${randomBytes(6).toString('hex')}`;
    while (this.has(id) || own(this.db.data.idCounters ?? {}, id) !== undefined);
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

  /** The id counters of some workspaces (a named snapshot keeps them, so its restore never goes back). */
  idCountersOf(ids: readonly string[]): Record<string, number> {
    const counters = this.db.data.idCounters ?? {};
    return Object.fromEntries(ids.map((id) => [id, own(counters, id) ?? 0]));
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
    // Records are immutable (a write replaces them), so the snapshot's may be shared; its maps are copied.
    const copy = normalise(snapshot);
    this.withinLimits(copy, whole);
    const counters = dict(this.db.data.idCounters);
    // Only the counters of the workspaces it holds: others mean nothing, and would only grow.
    for (const [id, n] of Object.entries(copy.idCounters ?? {})) {
      if (Object.hasOwn(copy.workspaces, id)) counters[id] = Math.max(n, own(counters, id) ?? 0);
    }
    if (whole) {
      this.replaceAll({ ...copy, idCounters: counters });
      this.forgetCounters();
      return;
    }
    const ids = new Set(Object.keys(copy.workspaces));
    const kept = this.db.data.apiKeys.filter((k) => !ids.has(k.workspace_id));
    for (const k of copy.apiKeys) {
      const clash = kept.find((other) => other.id === k.id || other.key === k.key);
      if (clash) throw errors.invalidSnapshot(`API key '${k.id}' has the id or the secret of key '${clash.id}' of workspace '${clash.workspace_id}'.`);
    }
    for (const id of ids) this.setWorkspace(id, copy.workspaces[id]);
    this.setKeys([...kept, ...copy.apiKeys]);
    this.setCounters(counters);
    this.forgetCounters();
  }

  /** A restore is held to the same caps as the writes that could have built its state. */
  private withinLimits(copy: DbData, whole: boolean): void {
    const ids = Object.keys(copy.workspaces);
    const workspaces = new Set([this.defaultWorkspaceId, ...ids, ...(whole ? [] : Object.keys(this.db.data.workspaces))]);
    const hint = 'The snapshot holds more than this server takes; start it with higher limits.';
    if (workspaces.size > this.opts.maxWorkspaces) throw errors.limitReached('workspaces', this.opts.maxWorkspaces, hint);
    const keys = copy.apiKeys.length + (whole ? 0 : this.db.data.apiKeys.filter((k) => !ids.includes(k.workspace_id)).length);
    if (keys > this.opts.maxApiKeys) throw errors.limitReached('API keys', this.opts.maxApiKeys, hint);
    for (const ws of Object.values(copy.workspaces)) {
      for (const name of COLLECTIONS) {
        const max = name === 'webhooks' ? LIMITS.webhooksPerWorkspace : this.opts.maxRecords;
        if (Object.keys(ws.collections[name]).length > max) throw errors.limitReached(`${name} in a workspace`, max, hint);
      }
    }
  }

  private setCounters(counters: Record<string, number>): void {
    const before = this.db.data.idCounters;
    this.change(
      () => (this.db.data.idCounters = before),
      () => (this.db.data.idCounters = counters),
    );
  }

  /** Back to the fixtures (in a transaction; `fixtures` from resetData): default keys, no other workspace, no change; id counters stay. */
  reset(fixtures: WorkspaceData): void {
    const workspaces = dict<WorkspaceData>();
    // The default workspace is there at once (writes queued behind the reset land in it).
    workspaces[this.defaultWorkspaceId] = fixtures;
    this.replaceAll({
      version: 1,
      apiKeys: defaultKeys(this.defaultWorkspaceId, this.opts.plan, this.opts.clock.iso()),
      workspaces,
      idCounters: this.db.data.idCounters,
    });
  }
}
