import type { Clock } from './clock.js';
import type { ApiKeys } from './auth/keys.js';
import type { OAuthServer } from './auth/oauth.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import type { Operation } from './openapi/operations.js';
import type { Spec } from './openapi/spec.js';
import type { ValidInput, Validator } from './openapi/validator.js';
import type { Store } from './store/store.js';
import type { FaultRules } from './middleware/faults.js';
import type { Journal } from './middleware/journal.js';
import type { RateLimiter } from './middleware/rate-limit.js';
import type { ResourceEngine } from './resources/engine.js';
import type { Dispatcher } from './webhooks/dispatcher.js';
import type { Plan } from './store/types.js';

/** Who is calling: resolved from the Bearer credential. */
export interface Principal {
  kind: 'api_key' | 'oauth';
  credentialId: string;
  workspaceId: string;
  scopes: ReadonlySet<string>;
  plan: Plan;
  mode: 'test' | 'live';
}

/** Everything the app is built from; created by server.ts (or a test) and passed down. */
export interface AppDeps {
  config: Config;
  spec: Spec;
  /** openapi-backend over the spec, built on first use. */
  validator: () => Promise<Validator>;
  /** The operation table of the spec, built once at start. */
  operations: Operation[];
  store: Store;
  clock: Clock;
  keys: ApiKeys;
  logger: Logger;
  startedAt: number;
  journal: Journal;
  faults: FaultRules;
  limiter: RateLimiter;
  engine: ResourceEngine;
  dispatcher: Dispatcher;
  oauth: OAuthServer;
  /** Where this server listens, once it does (webhook URLs must not point back at it). */
  listener: { host: string; port: number } | undefined;
}

/** Hono context variables set along the pipeline. */
export interface AppEnv {
  Variables: {
    op: Operation;
    principal: Principal | undefined;
    input: ValidInput;
    /** Set when the body was refused (too large): nobody reads it then. */
    bodyRefused: boolean;
    /** Set once the body step has read the body (later steps read its buffered copy). */
    bodyRead: boolean;
  };
}
