import type { AppDeps } from '../deps.js';
import { COLLECTIONS, PLAN_LIMITS, type Plan } from '../store/types.js';

/** Every workspace (the default one first) with its record counts and keys; the journal, outbox, faults and streams. */
export async function sandboxStats(deps: AppDeps) {
  const keys = new Map<string, number>();
  for (const k of deps.keys.list()) if (!k.revoked) keys.set(k.workspace_id, (keys.get(k.workspace_id) ?? 0) + 1);
  const workspaces = [];
  for (const info of await deps.store.workspaceList()) {
    const ws = await deps.store.workspace(info.id);
    if (!ws) continue; // deleted meanwhile
    const counts = Object.fromEntries(COLLECTIONS.map((c) => [c, ws.collections[c].size]));
    workspaces.push({ workspace: ws.data.workspace, counts, api_keys: keys.get(info.id) ?? 0 });
  }
  return {
    workspaces,
    journal: { entries: deps.journal.size, bytes: deps.journal.bytes, max_entries: deps.journal.limits.entries },
    outbox: deps.dispatcher.counts(deps.store.loadedWorkspaces()),
    faults: deps.faults.size,
    streams: deps.feed.size,
  };
}

interface RateWindow {
  bucket: string;
  kind: 'api_key' | 'oauth_client' | 'address';
  key_id: string | null;
  name: string | null;
  workspace_id: string | null;
  plan: Plan;
  limit: number;
  used: number;
  remaining: number;
  reset: string;
}

/**
 * The current window of every key that is not revoked (an empty one for a key without requests
 * in it), then those of OAuth clients and client addresses that hold requests now.
 */
export function rateWindows(deps: AppDeps, workspaceId?: string): RateWindow[] {
  const window = (bucket: string, plan: Plan, rest: Pick<RateWindow, 'kind' | 'key_id' | 'name' | 'workspace_id'>): RateWindow => {
    const { used, endsAt } = deps.limiter.peek(bucket);
    const limit = PLAN_LIMITS[plan];
    return { bucket, ...rest, plan, limit, used, remaining: Math.max(0, limit - used), reset: new Date(endsAt).toISOString() };
  };
  const out: RateWindow[] = [];
  for (const k of deps.keys.list()) {
    if (k.revoked || (workspaceId !== undefined && k.workspace_id !== workspaceId)) continue;
    out.push(window(`key:${k.id}`, k.plan, { kind: 'api_key', key_id: k.id, name: k.name, workspace_id: k.workspace_id }));
  }
  for (const bucket of deps.limiter.buckets()) {
    if (deps.limiter.peek(bucket).used === 0) continue;
    if (bucket.startsWith('oauth:')) {
      const [, , ws = null] = bucket.split(':');
      if (workspaceId !== undefined && ws !== workspaceId) continue;
      out.push(window(bucket, deps.config.plan, { kind: 'oauth_client', key_id: null, name: null, workspace_id: ws }));
    } else if (bucket.startsWith('ip:') && workspaceId === undefined) {
      out.push(window(bucket, deps.config.plan, { kind: 'address', key_id: null, name: null, workspace_id: null }));
    }
  }
  return out;
}

/** Every subscription (of one workspace, or of all), newest first, without its secret or scopes. */
export async function subscriptions(deps: AppDeps, workspaceId?: string) {
  const ids = workspaceId === undefined ? (await deps.store.workspaceList()).map((w) => w.id) : [workspaceId];
  const out = [];
  for (const id of ids) {
    const ws = await deps.store.workspace(id);
    if (!ws) continue;
    for (const hook of ws.collections.webhooks.sorted('created_at', 'desc').records) {
      const { secret: _s, scopes: _scopes, ...webhook } = hook;
      out.push({ workspace_id: id, webhook });
    }
  }
  return out;
}
