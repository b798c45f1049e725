import { resolveRef, type JsonObject, type Spec } from '../../src/openapi/spec.js';
import { HTTP_METHODS, type HttpMethod } from '../../src/openapi/operations.js';

/** One operation as "Try it out" sends it: its path parameters, required or exemplified query parameters and body, from the spec's examples alone. */
export interface TryOut {
  id: string;
  tag: string;
  method: HttpMethod;
  template: string;
  /** The path with every parameter's example filled in. */
  path: (ids?: CreatedIds) => string;
  query: Record<string, string>;
  body?: { type: string; value: unknown };
  /** The first success status the operation documents. */
  success: number;
}

/** Ids a playground user (and the playground) takes from an earlier answer: the fixtures hold no webhook, and workspace ids are random. */
export interface CreatedIds {
  webhook?: string;
  workspace?: string;
  /** The newest delivery `GET /_mock/webhooks/deliveries` listed. */
  delivery?: string;
}

/**
 * The order in which pressing Execute on every operation works on a fresh server: the /v1 reads
 * and writes in the spec's order (the inspector's endpoints once a subscription exists), then the /v1 deletes, then the control
 * plane with each record made before it is used or removed, the default live key revoked and
 * everything reset last.
 */
const AFTER_V1 = [
  'mockHealth',
  'mockListApiKeys',
  'mockCreateApiKey',
  'mockGetClock',
  'mockSetClock',
  'mockResetClock',
  'mockListFaults',
  'mockCreateFault',
  'mockDeleteFault',
  'mockClearFaults',
  'mockListRequests',
  'mockVerifyRequests',
  'mockClearRequests',
  'mockFlushWebhooks',
  'mockListWorkspaces',
  'mockCreateWorkspace',
  'mockDeleteWorkspace',
  'mockListSnapshots',
  'mockTakeSnapshot',
  'mockRestoreSnapshot',
  'mockExportState',
  'mockImportState',
  'mockListOAuthClients',
  'mockCreateOAuthClient',
  'oauthAuthorize',
  'oauthConsent',
  'oauthToken',
  'oauthRevoke',
  'oauthIntrospect',
  'mockListScenarios',
  'mockArmScenario',
  'mockGetScenario',
  'mockRevokeApiKey',
  'mockReset',
];

/**
 * The inspector's endpoints, right after the subscription is created (before it is paused): the
 * journal holds req_1, and the subscription (to ticket.created) takes an event, whose delivery is
 * then listed, sent again and checked.
 */
const AFTER_CREATE_WEBHOOK = [
  'mockUi',
  'mockStream',
  'mockGetRequest',
  'mockReplayRequest',
  'mockStats',
  'mockListRateLimits',
  'mockListWebhooks',
  'mockFireEvent',
  'mockListDeliveries',
  'mockRedeliverWebhook',
  'mockVerifyWebhook',
];

function exampleOf(spec: Spec, param: JsonObject): unknown {
  if (param.example !== undefined) return param.example;
  return resolveRef(spec, param.schema ?? {}).example;
}

/** Every operation of the spec, in an order that lets each one succeed with its examples. */
export function tryOutOrder(spec: Spec): TryOut[] {
  const all: TryOut[] = [];
  for (const [template, item] of Object.entries(spec.paths)) {
    for (const method of HTTP_METHODS) {
      const op = item[method] as JsonObject | undefined;
      if (!op) continue;
      const params = [...((item.parameters as unknown[]) ?? []), ...((op.parameters as unknown[]) ?? [])].map((p) => resolveRef(spec, p));
      const pathValues = new Map<string, string>();
      const query: Record<string, string> = {};
      for (const p of params) {
        const value = exampleOf(spec, p);
        if (p.in === 'path') {
          if (value === undefined) throw new Error(`${String(op.operationId)}: path parameter ${String(p.name)} has no example`);
          pathValues.set(String(p.name), String(value));
        } else if (p.in === 'query' && value !== undefined) query[String(p.name)] = String(value);
        else if (p.in === 'query' && p.required) throw new Error(`${String(op.operationId)}: required query parameter ${String(p.name)} has no example`);
      }
      let body: TryOut['body'];
      if (op.requestBody) {
        const content = resolveRef(spec, op.requestBody).content as Record<string, JsonObject>;
        const [type, media] = Object.entries(content)[0]!;
        let value = media.example;
        if (value === undefined) {
          // A form: Swagger UI fills each field from its own example.
          const schema = resolveRef(spec, media.schema);
          const props = (schema.properties ?? {}) as Record<string, JsonObject>;
          value = Object.fromEntries(Object.entries(props).flatMap(([k, s]) => (s.example === undefined ? [] : [[k, s.example]])));
        }
        body = { type, value };
      }
      const statuses = Object.keys(op.responses as JsonObject)
        .map(Number)
        .filter((s) => s >= 200 && s < 400);
      const id = String(op.operationId);
      all.push({
        id,
        tag: String((op.tags as string[])[0]),
        method,
        template,
        query,
        ...(body ? { body } : {}),
        // A redirect is the success of the OAuth authorize endpoints, unless the example asks for the consent page.
        success: statuses.includes(302) ? 302 : Math.min(...statuses),
        path: (ids = {}) =>
          template.replace(/\{([^}]+)\}/g, (_m, name: string) => {
            if (name === 'id' && template.startsWith('/v1/webhooks/') && ids.webhook) return ids.webhook;
            if (name === 'id' && template.startsWith('/_mock/workspaces/') && ids.workspace) return ids.workspace;
            if (name === 'id' && template.startsWith('/_mock/webhooks/deliveries/') && ids.delivery) return ids.delivery;
            return encodeURIComponent(pathValues.get(name)!);
          }),
      });
    }
  }
  const v1 = all.filter((op) => op.template.startsWith('/v1/'));
  const named = (ids: string[]) =>
    ids.map((id) => {
      const op = all.find((o) => o.id === id);
      if (!op) throw new Error(`${id} is not in openapi.yaml`);
      return op;
    });
  const writes = v1.filter((op) => op.method !== 'delete');
  const hooked = writes.findIndex((op) => op.id === 'createWebhook') + 1;
  const ordered = [
    ...writes.slice(0, hooked),
    ...named(AFTER_CREATE_WEBHOOK),
    ...writes.slice(hooked),
    ...v1.filter((op) => op.method === 'delete'),
    ...named(AFTER_V1),
  ];
  const missing = all.filter((op) => !ordered.includes(op)).map((op) => op.id);
  if (missing.length) throw new Error(`operations without a place in the try-it-out order: ${missing.join(', ')}`);
  return ordered;
}
