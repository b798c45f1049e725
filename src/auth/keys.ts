import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Store } from '../store/store.js';
import { ALL_SCOPES, type ApiKeyRecord, type Plan } from '../store/types.js';

export interface NewKey {
  name?: string;
  scopes?: string[];
  plan?: Plan;
  mode?: 'test' | 'live';
  workspace_id?: string;
}

/** API keys: creation, revocation, and O(1) lookup by secret. */
export class ApiKeys {
  private byKey = new Map<string, ApiKeyRecord>();
  private indexed = -1;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly defaultPlan: Plan,
  ) {}

  private index(): Map<string, ApiKeyRecord> {
    if (this.indexed !== this.store.keysVersion) {
      this.byKey = new Map(this.store.apiKeys.map((k) => [k.key, k]));
      this.indexed = this.store.keysVersion;
    }
    return this.byKey;
  }

  find(secret: string): ApiKeyRecord | undefined {
    return this.index().get(secret);
  }

  list(): readonly ApiKeyRecord[] {
    return this.store.apiKeys;
  }

  /** A new key with a random secret (inside a store transaction). */
  create(input: NewKey): ApiKeyRecord {
    const mode = input.mode ?? 'test';
    const ids = new Set(this.store.apiKeys.map((k) => k.id));
    let id: string;
    do id = `key_${randomBytes(6).toString('hex')}`;
    while (ids.has(id));
    const record: ApiKeyRecord = {
      id,
      key: `sk_${mode}_${randomBytes(18).toString('base64url').replace(/[-_]/g, '').slice(0, 24)}`,
      name: input.name ?? `${mode} key`,
      scopes: input.scopes ?? [...ALL_SCOPES],
      plan: input.plan ?? this.defaultPlan,
      mode,
      workspace_id: input.workspace_id ?? this.store.defaultWorkspaceId,
      revoked: false,
      created_at: this.clock.iso(),
    };
    this.store.putKey(record);
    return record;
  }

  /** Marks a key revoked (it then answers 401; inside a store transaction); false if no key has this id. */
  revoke(id: string): boolean {
    const key = this.store.apiKeys.find((k) => k.id === id);
    if (!key) return false;
    this.store.putKey({ ...key, revoked: true });
    return true;
  }
}
