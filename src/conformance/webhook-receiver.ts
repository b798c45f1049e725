import { randomBytes } from 'node:crypto';
import { type Clock, toIso } from '../clock.js';
import { errors } from '../errors.js';
import type { Rec } from '../store/types.js';
import type { Workspace } from '../store/workspace.js';
import type { AttemptResult } from '../webhooks/attempt.js';
import { Sender } from '../webhooks/sender.js';
import type { Arm, Check } from './context.js';

type Kind = 'signed' | 'wrong-signature' | 'stale' | 'duplicate';

interface Sent {
  kind: Kind;
  eventId: string;
  result: AttemptResult;
}

/** The subscription to test: the one named, or the newest active one. */
function subscriptionOf(ws: Workspace, webhookId: string | undefined): Rec {
  const hooks = ws.collections.webhooks.values();
  if (webhookId !== undefined) {
    const hook = hooks.find((h) => h.id === webhookId);
    if (!hook) throw errors.validation('options.webhook_id', `No webhook subscription '${webhookId}' exists in workspace ${ws.id}.`, 'invalid_reference');
    return hook;
  }
  const active = hooks
    .filter((h) => h.active)
    .sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)) || String(b.id).localeCompare(String(a.id)));
  if (!active[0]) {
    throw errors.validation(
      'options.webhook_id',
      `Workspace ${ws.id} has no active webhook subscription: subscribe your endpoint first (POST /v1/webhooks {"url", "events"}), then arm this scenario.`,
      'invalid_reference',
    );
  }
  return active[0];
}

/** An event the endpoint subscribed to, about a record of the workspace when there is one. */
function eventFor(ws: Workspace, hook: Rec): { event: string; data: Record<string, unknown> } {
  const events = (hook.events as string[]).filter((e) => e !== '*');
  const event = events[0] ?? 'ticket.created';
  const collection = `${event.split('.')[0]}s` as keyof Workspace['collections'];
  const record = Object.hasOwn(ws.collections, collection) ? ws.collections[collection].values()[0] : undefined;
  return { event, data: record ? { ...record } : { id: 'ticket_123', subject: 'Need help with billing', status: 'open' } };
}

const is2xx = (r: AttemptResult) => r.status !== null && r.status >= 200 && r.status < 300;
const is4xx = (r: AttemptResult) => r.status !== null && r.status >= 400 && r.status < 500;
const answer = (r: AttemptResult) => (r.status === null ? `no answer (${r.error ?? 'no response'})` : String(r.status));

/**
 * `webhook-receiver`: sends the workspace's endpoint four deliveries, one after the other: one
 * signed as every delivery is, one signed with another secret, one whose webhook-timestamp is
 * `stale_s` old, and the first one again (same webhook-id, fresh timestamp and signature). Not
 * retried and not recorded as deliveries: the scenario keeps what each was answered.
 */
export const armWebhookReceiver: Arm = async (ctx, { id, workspaceId, options }) => {
  const ws = await ctx.store.workspace(workspaceId);
  if (!ws) throw errors.unknownWorkspace(workspaceId);
  const hook = subscriptionOf(ws, typeof options.webhook_id === 'string' ? options.webhook_id : undefined);
  const staleMs = Number(options.stale_s) * 1000;
  const { event, data } = eventFor(ws, hook);
  const stale: Clock = { ...ctx.clock, now: () => ctx.clock.now() - staleMs };
  const senders = { now: new Sender(ctx.sender), stale: new Sender({ ...ctx.sender, clock: stale }) };
  const sent: Sent[] = [];
  let stopped = false;
  const endpoint = `scenario ${id}`;

  const payloads = new Map<string, Record<string, unknown>>();
  const send = async (kind: Kind, eventId: string) => {
    const sender = kind === 'stale' ? senders.stale : senders.now;
    const clock = kind === 'stale' ? stale : ctx.clock;
    // The duplicate is the first delivery again, byte for byte (as a sender's retry is); only its timestamp and signature are new.
    const payload = payloads.get(eventId) ?? { id: eventId, event, timestamp: toIso(clock.now()), data };
    payloads.set(eventId, payload);
    const secret = kind === 'wrong-signature' ? `whsec_${randomBytes(24).toString('base64')}` : String(hook.secret);
    const result = await sender.send(endpoint, { ...hook, secret }, { event_id: eventId, payload } as unknown as Rec);
    sent.push({ kind, eventId, result });
  };
  const first = `evt_${id}_1`;
  const run = async () => {
    for (const [kind, eventId] of [
      ['signed', first],
      ['wrong-signature', `evt_${id}_2`],
      ['stale', `evt_${id}_3`],
      ['duplicate', first],
    ] as const) {
      if (stopped) break;
      await send(kind, eventId);
    }
  };
  run()
    .catch((err: unknown) => ctx.logger.error(`scenario ${id} could not send its deliveries`, err))
    .finally(() => {
      senders.now.close();
      senders.stale.close();
    });

  return {
    stop: () => {
      stopped = true;
    },
    grade() {
      if (sent.length < 4) return { pending: true, checks: [] };
      const [signed, wrong, old, again] = sent as [Sent, Sent, Sent, Sent];
      const at = String(hook.url);
      const checks: Check[] = [
        {
          name: 'accepted-valid',
          passed: is2xx(signed.result),
          detail: is2xx(signed.result)
            ? `The correctly signed delivery ${signed.eventId} was answered ${signed.result.status}.`
            : `The correctly signed delivery ${signed.eventId} to ${at} was answered ${answer(signed.result)}: verify the signature over the raw body with the base64-decoded secret after whsec_ (Standard Webhooks), compare timestamps with the mock clock when it is shifted or frozen, and answer 2xx.`,
        },
        rejection(
          'rejected-bad-signature',
          wrong,
          'A delivery signed with another secret',
          "verify webhook-signature (v1, base64 HMAC-SHA256 of 'id.timestamp.body') and answer 4xx when none matches",
        ),
        rejection(
          'rejected-stale',
          old,
          `A delivery whose webhook-timestamp was ${staleMs / 1000} s old`,
          'reject a webhook-timestamp more than 5 minutes from now (a replayed delivery carries an old one) with a 4xx',
        ),
        {
          name: 'ignored-duplicate',
          passed: is2xx(again.result) || is4xx(again.result),
          detail:
            is2xx(again.result) || is4xx(again.result)
              ? `The repeated webhook-id ${again.eventId} was answered ${again.result.status} (whether it was processed twice the mock cannot see: skip a webhook-id already handled).`
              : `The repeated webhook-id ${again.eventId} was answered ${answer(again.result)}: a sender retries that forever; recognise a webhook-id already handled and answer 2xx without processing it again.`,
        },
      ];
      return { pending: false, checks };
    },
  };
};

function rejection(name: string, s: Sent, what: string, fix: string): Check {
  if (is4xx(s.result)) return { name, passed: true, detail: `${what} was refused (${s.result.status}).` };
  if (is2xx(s.result)) return { name, passed: false, detail: `${what} was accepted (${s.result.status}): ${fix}.` };
  return {
    name,
    passed: false,
    detail: `${what} was answered ${answer(s.result)}: ${fix} (a 5xx or no answer makes a sender retry it).`,
  };
}
