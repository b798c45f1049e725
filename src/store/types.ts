/** A stored record: plain JSON with an id and timestamps. Records are never mutated in place. */
export type Rec = { id: string; created_at: string; updated_at: string } & Record<string, unknown>;

export const COLLECTIONS = ['users', 'conversations', 'messages', 'contacts', 'tickets', 'webhooks', 'deliveries'] as const;
export type CollectionName = (typeof COLLECTIONS)[number];

export interface WorkspaceInfo {
  id: string;
  name: string;
  /** The user `/v1/me` answers with for the workspace's keys. */
  owner_id: string;
  created_at: string;
}

export interface WorkspaceData {
  workspace: WorkspaceInfo;
  /** Seed of the workspace's fixtures and of the ids it generates. */
  seed: number;
  /** What a reset of this workspace goes back to: the fixtures, or only its owner. */
  fixtures?: 'default' | 'empty';
  collections: Record<CollectionName, Record<string, Rec>>;
}

export type Plan = 'starter' | 'professional' | 'business';

/** Requests per minute by plan, as the overview lists them (a test checks them against openapi.yaml's Plan). */
export const PLAN_LIMITS: Record<Plan, number> = { starter: 60, professional: 300, business: 1000 };

export interface ApiKeyRecord {
  id: string;
  key: string;
  name: string;
  scopes: string[];
  plan: Plan;
  mode: 'test' | 'live';
  workspace_id: string;
  revoked: boolean;
  created_at: string;
}

/** Everything lowdb persists (JSONFile with --data); also the shape of a snapshot. */
export interface DbData {
  version: 1;
  apiKeys: ApiKeyRecord[];
  workspaces: Record<string, WorkspaceData>;
  /**
   * Ids handed out so far per workspace id (deleted workspaces included): the counters
   * only grow, so no id is ever handed out twice for the life of the data.
   */
  idCounters?: Record<string, number>;
}

export const ALL_SCOPES = ['read:conversations', 'write:conversations', 'read:contacts', 'write:contacts', 'read:tickets', 'write:tickets'] as const;
