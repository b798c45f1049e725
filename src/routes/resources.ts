import type { Context } from 'hono';
import { type AppEnv, type Handler, respond } from '../context.js';
import type { AppDeps } from '../deps.js';
import { errors } from '../errors.js';
import type { WriteContext } from '../resources/descriptors.js';
import type { ResourceEngine } from '../resources/engine.js';
import { listJson, oneJson } from '../resources/json.js';
import type { Workspace } from '../store/workspace.js';

type Action = 'list' | 'get' | 'create' | 'replace' | 'update' | 'delete';

/** operationId → (resource, action): the only table that ties openapi.yaml to the engine. */
export const RESOURCE_ACTIONS: Record<string, [resource: string, action: Action]> = {
  listUsers: ['users', 'list'],
  getUser: ['users', 'get'],
  listConversations: ['conversations', 'list'],
  createConversation: ['conversations', 'create'],
  getConversation: ['conversations', 'get'],
  replaceConversation: ['conversations', 'replace'],
  updateConversation: ['conversations', 'update'],
  deleteConversation: ['conversations', 'delete'],
  listMessages: ['messages', 'list'],
  createMessage: ['messages', 'create'],
  getMessage: ['messages', 'get'],
  listContacts: ['contacts', 'list'],
  createContact: ['contacts', 'create'],
  getContact: ['contacts', 'get'],
  replaceContact: ['contacts', 'replace'],
  updateContact: ['contacts', 'update'],
  deleteContact: ['contacts', 'delete'],
  listTickets: ['tickets', 'list'],
  createTicket: ['tickets', 'create'],
  getTicket: ['tickets', 'get'],
  replaceTicket: ['tickets', 'replace'],
  updateTicket: ['tickets', 'update'],
  deleteTicket: ['tickets', 'delete'],
  listWebhooks: ['webhooks', 'list'],
  createWebhook: ['webhooks', 'create'],
  getWebhook: ['webhooks', 'get'],
  replaceWebhook: ['webhooks', 'replace'],
  updateWebhook: ['webhooks', 'update'],
  deleteWebhook: ['webhooks', 'delete'],
  listWebhookDeliveries: ['deliveries', 'list'],
};

/** The caller's workspace; a key whose workspace is gone is no longer valid. */
export async function workspaceOf(c: Context<AppEnv>, deps: AppDeps): Promise<Workspace> {
  const principal = c.get('principal');
  const ws = principal && deps.store.workspace(principal.workspaceId);
  if (!ws) throw errors.invalidApiKey(principal?.credentialId ?? 'none');
  return ws;
}

/**
 * Runs `fn` in the caller's workspace: at once when the workspace is built (a read then answers
 * without a promise), else once it is (the default one's fixtures, on first use).
 */
function inWorkspace(c: Context<AppEnv>, deps: AppDeps, fn: (ws: Workspace) => Response | Promise<Response>): Response | Promise<Response> {
  const principal = c.get('principal');
  const ws = principal && deps.store.current(principal.workspaceId);
  return ws ? fn(ws) : workspaceOf(c, deps).then(fn);
}

function writeContext(c: Context<AppEnv>, ws: Workspace, deps: AppDeps): WriteContext {
  return { ws, userId: ws.data.workspace.owner_id, scopes: c.get('principal')?.scopes ?? new Set(), now: deps.clock.iso() };
}

/** Handlers for every resource operation, all through the one engine. */
export function resourceRoutes(deps: AppDeps, engine: ResourceEngine): Record<string, Handler> {
  const handlers: Record<string, Handler> = {};
  for (const [operationId, [resource, action]] of Object.entries(RESOURCE_ACTIONS)) {
    // Writes wait for their transaction; reads answer at once.
    const write = async (c: Context<AppEnv>, ws: Workspace): Promise<Response> => {
      const input = c.get('input');
      const op = c.get('op');
      switch (action) {
        case 'create':
          return respond(c, JSON.stringify({ data: await engine.create(ws, resource, op, writeContext(c, ws, deps), input) }), 201);
        case 'delete':
          await engine.remove(ws, resource, writeContext(c, ws, deps), input.params);
          return respond(c, null, 204, null);
        default:
          return respond(c, JSON.stringify({ data: await engine.update(ws, resource, op, writeContext(c, ws, deps), input, action === 'update') }), 200);
      }
    };
    const act = (c: Context<AppEnv>, ws: Workspace): Response | Promise<Response> => {
      const input = c.get('input');
      if (action === 'get') return respond(c, oneJson(engine.get(ws, resource, input.params)), 200);
      if (action !== 'list') return write(c, ws);
      const url = c.req.url;
      const q = url.indexOf('?');
      return respond(c, listJson(engine.list(ws, resource, c.get('op'), input, c.req.path, q < 0 ? '' : url.slice(q + 1))), 200);
    };
    handlers[operationId] = (c) => inWorkspace(c, deps, (ws) => act(c, ws));
  }
  handlers.getMe = (c) =>
    inWorkspace(c, deps, (ws) => {
      const { workspace } = ws.data;
      const user = ws.collections.users.get(workspace.owner_id);
      if (!user) throw errors.notFound('user', workspace.owner_id);
      return respond(
        c,
        JSON.stringify({ data: { id: user.id, email: user.email, name: user.name, workspace: { id: workspace.id, name: workspace.name } } }),
        200,
      );
    });
  return handlers;
}
