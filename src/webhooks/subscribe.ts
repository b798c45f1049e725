import { ALL_SCOPES } from '../store/types.js';
import type { AppDeps } from '../types.js';

/** `--webhook URL`: subscribes each URL to every event in the default workspace (once, even across restarts). */
export async function subscribeAtStart(deps: AppDeps, urls: string[]): Promise<{ id: string; url: string; secret: string }[]> {
  if (urls.length === 0) return [];
  const ws = await deps.store.workspace(deps.store.defaultWorkspaceId)!;
  const op = deps.operations.find((o) => o.id === 'createWebhook')!;
  const out = [];
  for (const url of urls) {
    const existing = ws.collections.webhooks.values().find((w) => w.url === url);
    const hook = existing ?? await deps.engine.create(ws, 'webhooks', op, { ws, userId: ws.data.workspace.owner_id, scopes: new Set(ALL_SCOPES), now: deps.clock.iso() }, {
      params: {}, query: {}, body: { url, events: ['*'], description: 'Subscribed with --webhook' },
    });
    out.push({ id: hook.id, url, secret: String(hook.secret) });
  }
  return out;
}
