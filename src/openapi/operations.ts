import { resolveRef, type JsonObject, type Spec } from './spec.js';

export const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface QueryParam {
  name: string;
  /** `style: form, explode: false` arrays: `status=open,pending`. */
  commaList: boolean;
  isArray: boolean;
  /** `integer` and `number` values must be plain decimals (`1e309`, `0x10`, `Infinity` are not). */
  numeric?: 'integer' | 'number';
  default?: unknown;
}

/** One operation of openapi.yaml, pre-digested once at start for the request path. */
export interface Operation {
  id: string;
  method: HttpMethod;
  /** OpenAPI template, e.g. `/v1/tickets/{id}`. */
  path: string;
  /** Hono pattern, e.g. `/v1/tickets/:id`. */
  routePath: string;
  /** Scopes any credential needs, from the operation's `security` requirements. */
  scopes: string[];
  /** False when `security: []` (the control plane). */
  authenticated: boolean;
  /** Part of the CommFlow API (/v1, /oauth): journaled, open to Prefer and faults. */
  public: boolean;
  /** `oauth` (x-commflow-protocol): RFC 6749 endpoints, which validate and answer errors the RFC's way. */
  protocol: 'api' | 'oauth';
  query: Map<string, QueryParam>;
  /** Query defaults from the spec, applied after validation. */
  queryDefaults: Record<string, unknown>;
  body: 'none' | 'optional' | 'required';
  /** The header parameters it declares, lower-cased (its validation depends on these headers). */
  headerParams: string[];
  /** Takes whole snapshots (`x-commflow-large-body`): its body limit is --restore-limit, not --body-limit. */
  largeBody: boolean;
  /** Status codes the operation documents. */
  statuses: number[];
}

export function toRoutePath(template: string): string {
  return template.replace(/\{([^}]+)\}/g, ':$1');
}

function parametersOf(spec: Spec, ...lists: unknown[]): JsonObject[] {
  const byKey = new Map<string, JsonObject>();
  for (const list of lists) {
    for (const ref of (list as unknown[] | undefined) ?? []) {
      const p = resolveRef(spec, ref);
      byKey.set(`${String(p.in)}:${String(p.name)}`, p);
    }
  }
  return [...byKey.values()];
}

function scopesOf(security: unknown): { scopes: string[]; authenticated: boolean } {
  const requirements = (security as Record<string, string[]>[] | undefined) ?? [];
  const scopes = new Set<string>();
  for (const req of requirements) for (const list of Object.values(req)) for (const s of list) scopes.add(s);
  return { scopes: [...scopes], authenticated: requirements.length > 0 };
}

/** Builds the operation table that routing, auth and validation share. */
export function buildOperations(spec: Spec): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of HTTP_METHODS) {
      const op = item[method] as JsonObject | undefined;
      if (!op) continue;
      const query = new Map<string, QueryParam>();
      const queryDefaults: Record<string, unknown> = {};
      const parameters = parametersOf(spec, item.parameters, op.parameters);
      for (const p of parameters) {
        if (p.in !== 'query') continue;
        const schema = resolveRef(spec, p.schema ?? {});
        const isArray = schema.type === 'array';
        const name = String(p.name);
        const numeric = schema.type === 'integer' || schema.type === 'number' ? schema.type : undefined;
        query.set(name, { name, isArray, commaList: isArray && p.explode === false, default: schema.default, ...(numeric ? { numeric } : {}) });
        if (schema.default !== undefined) queryDefaults[name] = schema.default;
      }
      const requestBody = op.requestBody ? resolveRef(spec, op.requestBody) : undefined;
      const { scopes, authenticated } = scopesOf(op.security ?? spec.security);
      ops.push({
        id: String(op.operationId),
        method,
        path,
        routePath: toRoutePath(path),
        scopes,
        authenticated,
        public: path.startsWith('/v1/') || path.startsWith('/oauth/'),
        protocol: op['x-commflow-protocol'] === 'oauth' ? 'oauth' : 'api',
        query,
        queryDefaults,
        body: !requestBody ? 'none' : requestBody.required ? 'required' : 'optional',
        headerParams: parameters.filter((p) => p.in === 'header').map((p) => String(p.name).toLowerCase()),
        largeBody: op['x-commflow-large-body'] === true,
        statuses: Object.keys((op.responses as JsonObject) ?? {})
          .map(Number)
          .filter(Number.isFinite),
      });
    }
  }
  return ops;
}
