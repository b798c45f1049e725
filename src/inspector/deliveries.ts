import { timingSafeEqual } from 'node:crypto';
import type { AppDeps } from '../deps.js';
import { errors } from '../errors.js';
import type { Workspace } from '../store/workspace.js';
import type { Rec } from '../store/types.js';
import { sign } from '../webhooks/signing.js';

/** A delivery by id, in one workspace or in any loaded one (new ids differ between workspaces). */
export async function findDelivery(deps: AppDeps, id: string, workspaceId?: string): Promise<{ ws: Workspace; delivery: Rec }> {
  const candidates = workspaceId === undefined ? deps.store.loadedWorkspaces() : [await deps.store.workspace(workspaceId)].filter((w) => w !== undefined);
  if (workspaceId !== undefined && candidates.length === 0) throw errors.notFound('workspace', workspaceId, 'workspace_id');
  for (const ws of candidates) {
    const delivery = ws.collections.deliveries.get(id);
    if (delivery) return { ws, delivery };
  }
  throw errors.notFound('delivery', id);
}

/** The delivery's event again, to the same subscription, as a new delivery sent at once. */
export async function redeliver(deps: AppDeps, id: string, workspaceId?: string): Promise<Rec> {
  const found = await findDelivery(deps, id, workspaceId);
  const created = await deps.store.transaction(() => {
    const ws = deps.store.current(found.ws.id);
    const delivery = ws?.collections.deliveries.get(id);
    if (!ws || !delivery) throw errors.notFound('delivery', id);
    const hook = ws.collections.webhooks.get(String(delivery.webhook_id));
    if (!hook) throw errors.webhookUnavailable(id, String(delivery.webhook_id), 'deleted');
    const again = deps.dispatcher.redeliver(ws, delivery);
    if (!again) throw errors.webhookUnavailable(id, String(delivery.webhook_id), 'inactive');
    return { ws, delivery: again };
  });
  deps.dispatcher.tell(created.ws, created.delivery);
  deps.dispatcher.kick();
  return created.delivery;
}

interface SentAttempt {
  attempted_at: string;
  headers?: Record<string, string>;
}

const same = (a: string, b: string) => {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Whether a secret verifies a delivery: the Standard Webhooks signature computed with it over each
 * attempt's id, timestamp and body, against the signature that attempt carried. Not yet attempted:
 * against what its subscription would sign with.
 */
export async function verifyDelivery(deps: AppDeps, id: string, secret: string, workspaceId?: string) {
  const { ws, delivery } = await findDelivery(deps, id, workspaceId);
  const body = JSON.stringify(delivery.payload);
  const attempts = (delivery.history as SentAttempt[]).filter((a) => a.headers?.['webhook-signature']);
  if (attempts.length) {
    const match = attempts.find((a) => {
      const h = a.headers!;
      return same(sign(secret, String(h['webhook-id']), String(h['webhook-timestamp']), body), String(h['webhook-signature']));
    });
    const n = attempts.length;
    return {
      valid: match !== undefined,
      checked: 'attempts' as const,
      matched_at: match?.attempted_at ?? null,
      message: match
        ? `The secret verifies the webhook-signature of the attempt at ${match.attempted_at} (webhook-timestamp ${match.headers!['webhook-timestamp']}).`
        : `The secret verifies none of the ${n} attempt${n === 1 ? "'s" : "s'"} webhook-signature headers: it is not the secret of subscription ${String(delivery.webhook_id)} (shown once, when it was created), or it is used on something other than the raw body, base64-decoded after 'whsec_'.`,
    };
  }
  const hook = ws.collections.webhooks.get(String(delivery.webhook_id));
  if (!hook) throw errors.webhookUnavailable(id, String(delivery.webhook_id), 'deleted');
  const valid = same(sign(secret, String(delivery.event_id), 0, body), sign(String(hook.secret), String(delivery.event_id), 0, body));
  return {
    valid,
    checked: 'subscription' as const,
    matched_at: null,
    message: valid
      ? `Not attempted yet; the secret is the one subscription ${hook.id} signs with.`
      : `Not attempted yet, and the secret is not the one subscription ${hook.id} signs with (it was shown once, when the subscription was created).`,
  };
}
