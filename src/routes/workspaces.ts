import type { Handler } from '../context.js';
import { createWorkspace, exportState, importState, type NamedSnapshot } from '../control.js';
import type { AppDeps } from '../deps.js';
import { errors } from '../errors.js';

const described = (s: NamedSnapshot) => ({ name: s.name, workspaces: Object.keys(s.snapshot.workspaces), created_at: s.created_at });

/** Workspaces, snapshots and state: the test-isolation part of the control plane. */
export function workspaceRoutes(deps: AppDeps, snapshots: Map<string, NamedSnapshot>): Record<string, Handler> {
  return {
    mockListWorkspaces: async (c) => c.json({ data: await deps.store.workspaceList() }),
    mockCreateWorkspace: async (c) => c.json({ data: await createWorkspace(deps, c.get('input').body) }, 201),
    mockDeleteWorkspace: async (c) => {
      const id = c.get('input').params.id ?? '';
      if (id === deps.store.defaultWorkspaceId) {
        throw errors.invalidQuery('id', `The default workspace '${id}' cannot be deleted; reset it instead.`, 'default_workspace');
      }
      if (!(await deps.store.transaction(() => deps.store.deleteWorkspace(id)))) throw errors.notFound('workspace', id);
      deps.journal.clear(id);
      deps.dispatcher.clear(id);
      deps.oauth.forgetWorkspace(id);
      deps.scenarios.clear(id);
      return c.body(null, 204);
    },
    mockExportState: async (c) => c.json(await exportState(deps, c.get('input').query.workspace_id as string | undefined)),
    mockImportState: async (c) => {
      const whole = c.get('input').query.scope !== 'workspaces';
      const workspaces = await importState(deps, c.get('input').body, whole);
      return c.json({ data: { restored: true, workspaces } });
    },
    mockListSnapshots: (c) => c.json({ data: [...snapshots.values()].map(described) }),
    mockTakeSnapshot: async (c) => {
      const { name, workspace_id } = c.get('input').body as { name: string; workspace_id?: string };
      if (!snapshots.has(name) && snapshots.size >= deps.config.maxSnapshots) {
        throw errors.limitReached(
          'named snapshots',
          deps.config.maxSnapshots,
          'Take it under an existing name to replace one, or start with a higher --max-snapshots.',
        );
      }
      const snapshot = await exportState(deps, workspace_id);
      // Kept with it (not in exports): its restore raises the id counters at least this far.
      snapshot.idCounters = deps.store.idCountersOf(Object.keys(snapshot.workspaces));
      const taken: NamedSnapshot = { name, snapshot, whole: workspace_id === undefined, created_at: deps.clock.iso() };
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
