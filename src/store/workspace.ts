import { Collection } from './collection.js';
import { dict } from './dict.js';
import type { ChangeSink } from './transactions.js';
import { COLLECTIONS, type CollectionName, type WorkspaceData } from './types.js';

/** One workspace's live view: its collections with indexes, and its id source. */
export class Workspace {
  readonly collections: Record<CollectionName, Collection>;

  constructor(
    readonly data: WorkspaceData,
    private readonly nextId: (prefix: string) => string,
    onChange: ChangeSink,
  ) {
    this.collections = Object.fromEntries(
      COLLECTIONS.map((name) => {
        const records = data.collections[name];
        // Records are looked up by client-given ids: the map must have no prototype.
        if (!records || Object.getPrototypeOf(records) !== null) data.collections[name] = dict(records);
        const detach = (copy: typeof records) => {
          data.collections[name] = copy;
        };
        return [name, new Collection(data.collections[name], onChange, detach)];
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
