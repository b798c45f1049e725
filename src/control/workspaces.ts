import { errors, ApiError } from '../errors.js';
import type { Handler } from '../resources/actions.js';
import type { DbData } from '../store/types.js';
import type { AppDeps } from '../types.js';
import { COLLECTIONS } from '../store/types.js';

export interface NamedSnapshot {
  name: string;
  snapshot: DbData;
  whole: boolean;
  created_at: string;
}

/** A new workspace with a test and a live key, all scopes. */
export async function createWorkspace(deps: AppDeps, opts: { name?: string; seed?: number; fixtures?: 'default' | 'empty' } = {}) {
  const ws = await deps.store.createWorkspace(opts);
  const test = await deps.keys.create({ workspace_id: ws.id, mode: 'test', name: `${ws.data.workspace.name} test key` });
  const live = await deps.keys.create({ workspace_id: ws.id, mode: 'live', name: `${ws.data.workspace.name} live key` });
  return { workspace: ws.data.workspace, api_key: test.key, live_api_key: live.key };
}

/** The parts of a snapshot must agree: keys of included workspaces, records filed under their own ids. */
function checkSnapshot(s: DbData): void {
  const bad = (message: string) => new ApiError(400, 'invalid_request_error', 'invalid_snapshot', message);
  for (const [id, ws] of Object.entries(s.workspaces)) {
    if (ws.workspace.id !== id) throw bad(`Workspace '${id}' holds the data of '${ws.workspace.id}'.`);
    for (const name of COLLECTIONS) {
      for (const [rid, r] of Object.entries(ws.collections[name])) {
        if (r.id !== rid) throw bad(`In workspace '${id}', ${name} record '${rid}' has id '${r.id}'.`);
      }
    }
  }
  for (const k of s.apiKeys) {
    if (!s.workspaces[k.workspace_id]) throw bad(`API key '${k.id}' belongs to workspace '${k.workspace_id}', which the snapshot does not hold.`);
  }
}

export async function exportState(deps: AppDeps, workspaceId?: string): Promise<DbData> {
  const state = await deps.store.exportState(workspaceId);
  if (!state) throw errors.notFound('workspace', workspaceId ?? '', 'workspace_id');
  return state;
}

export async function importState(deps: AppDeps, snapshot: DbData, whole: boolean): Promise<string[]> {
  checkSnapshot(snapshot);
  await deps.store.importState(snapshot, whole);
  deps.dispatcher.clear();
  for (const ws of await deps.store.loadedWorkspaces()) deps.dispatcher.recover(ws);
  return Object.keys(snapshot.workspaces);
}

const described = (s: NamedSnapshot) => ({ name: s.name, workspaces: Object.keys(s.snapshot.workspaces), created_at: s.created_at });

/** Workspaces, snapshots and state: the test-isolation part of the control plane. */
export function workspaceHandlers(deps: AppDeps, snapshots: Map<string, NamedSnapshot>): Record<string, Handler> {
  return {
    mockListWorkspaces: async (c) => c.json({ data: await deps.store.workspaceList() }),
    mockCreateWorkspace: async (c) => c.json({ data: await createWorkspace(deps, c.get('input').body) }, 201),
    mockDeleteWorkspace: (c) => {
      const id = c.get('input').params.id ?? '';
      if (id === deps.store.defaultWorkspaceId) {
        throw errors.invalidQuery('id', `The default workspace '${id}' cannot be deleted; reset it instead.`, 'default_workspace');
      }
      if (!deps.store.deleteWorkspace(id)) throw errors.notFound('workspace', id);
      deps.journal.clear(id);
      deps.dispatcher.clear(id);
      return c.body(null, 204);
    },
    mockExportState: async (c) => c.json(await exportState(deps, c.get('input').query.workspace_id as string | undefined)),
    mockImportState: async (c) => {
      const whole = c.get('input').query.scope !== 'workspaces';
      const workspaces = await importState(deps, c.get('input').body as unknown as DbData, whole);
      return c.json({ data: { restored: true, workspaces } });
    },
    mockListSnapshots: (c) => c.json({ data: [...snapshots.values()].map(described) }),
    mockTakeSnapshot: async (c) => {
      const { name, workspace_id } = c.get('input').body as { name: string; workspace_id?: string };
      const taken: NamedSnapshot = { name, snapshot: await exportState(deps, workspace_id), whole: !workspace_id, created_at: deps.clock.iso() };
      snapshots.set(name, taken);
      return c.json({ data: described(taken) }, 201);
    },
    mockRestoreSnapshot: async (c) => {
      const name = c.get('input').params.name ?? '';
      const found = snapshots.get(name);
      if (!found) throw errors.notFound('snapshot', name, 'name');
      await importState(deps, found.snapshot, found.whole);
      return c.json({ data: described(found) });
    },
  };
}
