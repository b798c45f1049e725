import type { Context } from 'hono';
import type { Operation } from './openapi/operations.js';
import type { ValidInput } from './openapi/validator.js';
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
    /** The fault rule that hit the request (for the journal). */
    fault: string;
    /** What of its `Prefer` header applied (for the journal). */
    preferApplied: string;
  };
}

/** What answers an operation (one per operationId, in src/routes/). */
export type Handler = (c: Context<AppEnv>) => Promise<Response> | Response;
