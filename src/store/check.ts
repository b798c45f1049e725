import { errors, type ApiError } from '../errors.js';
import type { Validator } from '../openapi/validator.js';
import { own } from './dict.js';
import { COLLECTIONS, type DbData } from './types.js';

/**
 * The parts of a state must agree: keys of included workspaces, records filed under their own
 * ids. `implicit` workspaces count as held (the default one exists before it is first built).
 */
function disagreement(s: DbData, implicit: readonly string[]): ApiError | undefined {
  const bad = errors.invalidSnapshot;
  for (const [id, ws] of Object.entries(s.workspaces)) {
    if (ws.workspace.id !== id) return bad(`Workspace '${id}' holds the data of '${ws.workspace.id}'.`);
    for (const name of COLLECTIONS) {
      for (const [rid, r] of Object.entries(ws.collections[name])) {
        if (r.id !== rid) return bad(`In workspace '${id}', ${name} record '${rid}' has id '${r.id}'.`);
      }
    }
  }
  const ids = new Set<string>();
  const secrets = new Set<string>();
  for (const k of s.apiKeys) {
    if (!own(s.workspaces, k.workspace_id) && !implicit.includes(k.workspace_id))
      return bad(`API key '${k.id}' belongs to workspace '${k.workspace_id}', which the snapshot does not hold.`);
    if (ids.has(k.id) || secrets.has(k.key)) return bad(`API key '${k.id}' appears twice.`);
    ids.add(k.id);
    secrets.add(k.key);
  }
  return undefined;
}

/**
 * A state to restore (a request body, a named snapshot, the --data file), checked: every
 * record against its schema in openapi.yaml (422 naming the path of the offending value),
 * then its parts against each other (400 invalid_snapshot). Throws the ApiError.
 */
export function checkState(validator: Validator, value: unknown, implicit: readonly string[] = []): DbData {
  const wrong = validator.check('components/schemas/Snapshot', value);
  if (wrong) throw wrong;
  const disagrees = disagreement(value as DbData, implicit);
  if (disagrees) throw disagrees;
  return value as DbData;
}
