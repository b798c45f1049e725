import { errors } from './errors.js';
import type { AppDeps } from './deps.js';
import type { DbData } from './store/types.js';
import type { Rec } from './store/types.js';
import { ALL_SCOPES } from './store/types.js';

/**
 * The sandbox operations: what the /_mock routes and the in-process API (server.ts) both do.
 * No HTTP here; the routes in routes/control.ts and routes/workspaces.ts call these.
 */

export interface NamedSnapshot {
  name: string;
  snapshot: DbData;
  whole: boolean;
  created_at: string;
}

/** Back to the start: fixtures, default keys, empty journal, no faults, fresh windows, real time. */
export async function resetAll(deps: AppDeps): Promise<void> {
  const fixtures = (await deps.store.resetData(deps.store.defaultWorkspaceId))!;
  await deps.store.transaction(() => deps.store.reset(fixtures));
  deps.clock.reset();
  deps.journal.clear();
  deps.faults.clear();
  deps.limiter.reset();
  deps.dispatcher.clear();
  deps.oauth.reset();
  deps.scenarios.clear();
}

/** One workspace back to its fixtures (its keys stay valid); false if there is no such workspace. */
export async function resetWorkspace(deps: AppDeps, id: string): Promise<boolean> {
  const data = deps.store.has(id) ? await deps.store.resetData(id) : undefined;
  if (!data) return false;
  const replaced = await deps.store.transaction(() => {
    // Deleted while its fixtures were being built: it stays deleted.
    if (!deps.store.has(id)) return false;
    deps.store.replaceWorkspace(id, data);
    return true;
  });
  if (!replaced) return false;
  deps.journal.clear(id);
  deps.dispatcher.clear(id);
  deps.scenarios.clear(id);
  return true;
}

/** Webhook deliveries with their attempts, newest first (of one workspace, or all in use), at most `limit`. */
export async function listDeliveries(deps: AppDeps, workspaceId?: string, filter: (d: Rec) => boolean = () => true, limit = Infinity): Promise<Rec[]> {
  const out: Rec[] = [];
  for (const ws of deps.store.loadedWorkspaces()) {
    if (workspaceId !== undefined && ws.id !== workspaceId) continue;
    // Each workspace's view is already newest first: take at most `limit` from each, then merge.
    let taken = 0;
    for (const d of ws.collections.deliveries.sorted('created_at', 'desc').records) {
      if (taken >= limit) break;
      if (!filter(d)) continue;
      out.push(d);
      taken++;
    }
  }
  out.sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0));
  return out.slice(0, limit);
}

/** A new workspace with a test and a live key, all scopes: all of it lands, or none. */
export async function createWorkspace(deps: AppDeps, opts: { name?: string; seed?: number; fixtures?: 'default' | 'empty' } = {}) {
  const id = deps.store.newWorkspaceId();
  const name = opts.name ?? `Workspace ${deps.store.storedWorkspaceIds().length + 1}`;
  const data = await deps.store.freshData({ id, name, created_at: deps.clock.iso() }, opts.seed ?? deps.config.seed, opts.fixtures ?? 'default');
  return deps.store.transaction(() => {
    const ws = deps.store.addWorkspace(data);
    const test = deps.keys.create({ workspace_id: ws.id, mode: 'test', name: `${name} test key` });
    const live = deps.keys.create({ workspace_id: ws.id, mode: 'live', name: `${name} live key` });
    return { workspace: ws.data.workspace, api_key: test.key, live_api_key: live.key };
  });
}

export async function exportState(deps: AppDeps, workspaceId?: string): Promise<DbData> {
  const state = await deps.store.exportState(workspaceId);
  if (!state) throw errors.notFound('workspace', workspaceId ?? '', 'workspace_id');
  return state;
}

/** Restores a snapshot exactly (checked first; nothing changes if it fails), then sends what it left pending. */
export async function importState(deps: AppDeps, snapshot: unknown, whole: boolean): Promise<string[]> {
  const { checkState } = await import('./store/check.js');
  const checked = checkState(await deps.validator(), snapshot, [deps.store.defaultWorkspaceId]);
  const ids = Object.keys(checked.workspaces);
  await deps.store.transaction(() => deps.store.importState(checked, whole));
  if (whole) deps.dispatcher.clear();
  else for (const id of ids) deps.dispatcher.clear(id);
  for (const id of whole ? deps.store.storedWorkspaceIds() : ids) {
    const ws = await deps.store.workspace(id);
    if (ws) deps.dispatcher.recover(ws);
  }
  return ids;
}

/** `--webhook URL`: subscribes each URL to every event in the default workspace (once, even across restarts). */
export async function subscribeAtStart(deps: AppDeps, urls: string[]): Promise<{ id: string; url: string; secret: string }[]> {
  if (urls.length === 0) return [];
  const ws = await deps.store.workspace(deps.store.defaultWorkspaceId)!;
  const op = deps.operations.find((o) => o.id === 'createWebhook')!;
  const out = [];
  for (const url of urls) {
    const existing = ws.collections.webhooks.values().find((w) => w.url === url);
    const hook =
      existing ??
      (await deps.engine.create(
        ws,
        'webhooks',
        op,
        { ws, userId: ws.data.workspace.owner_id, scopes: new Set(ALL_SCOPES), now: deps.clock.iso() },
        {
          params: {},
          query: {},
          body: { url, events: ['*'], description: 'Subscribed with --webhook' },
        },
      ));
    out.push({ id: hook.id, url, secret: String(hook.secret) });
  }
  return out;
}
