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
  private byKey: Map<string, ApiKeyRecord> | undefined;
  private seenList: ApiKeyRecord[] | undefined;

  constructor(private readonly store: Store, private readonly clock: Clock, private readonly defaultPlan: Plan) {}

  private index(): Map<string, ApiKeyRecord> {
    const list = this.store.apiKeys;
    if (!this.byKey || this.seenList !== list || this.byKey.size !== list.length) {
      this.byKey = new Map(list.map((k) => [k.key, k]));
      this.seenList = list;
    }
    return this.byKey;
  }

  find(secret: string): ApiKeyRecord | undefined {
    return this.index().get(secret);
  }

  list(): ApiKeyRecord[] {
    return this.store.apiKeys;
  }

  async create(input: NewKey): Promise<ApiKeyRecord> {
    const mode = input.mode ?? 'test';
    const suffix = randomBytes(18).toString('base64url').replace(/[-_]/g, '').slice(0, 24);
    const record: ApiKeyRecord = {
      id: `key_${randomBytes(6).toString('hex')}`,
      key: `sk_${mode}_${suffix}`,
      name: input.name ?? `${mode} key`,
      scopes: input.scopes ?? [...ALL_SCOPES],
      plan: input.plan ?? this.defaultPlan,
      mode,
      workspace_id: input.workspace_id ?? this.store.defaultWorkspaceId,
      revoked: false,
      created_at: this.clock.iso(),
    };
    this.store.apiKeys.push(record);
    this.byKey = undefined;
    await this.store.commit();
    return record;
  }

  /** Marks a key revoked (it then answers 401); false if no key has this id. */
  async revoke(id: string): Promise<boolean> {
    const index = this.store.apiKeys.findIndex((k) => k.id === id);
    if (index < 0) return false;
    this.store.apiKeys[index] = { ...this.store.apiKeys[index]!, revoked: true };
    this.byKey = undefined;
    await this.store.commit();
    return true;
  }
}
