import { errors } from '../errors.js';
import type { Operation } from '../openapi/operations.js';
import type { WriteContext } from '../resources/descriptors.js';
import { scopesOfEvent } from './events.js';
import { reachesSelf, type Listener } from './targets.js';

/**
 * Checks a subscription before it is written: each event it names must be readable with the
 * caller's scopes (403 naming the scope; `*` is narrowed to what the caller may read when
 * delivering), and its URL must not lead back to this server (422).
 */
export function subscriptionVetter(operations: readonly Operation[], listener: () => Listener | undefined) {
  return async function vetSubscription(ctx: WriteContext, body: Record<string, unknown>): Promise<void> {
    for (const event of Array.isArray(body.events) ? (body.events as string[]) : []) {
      if (event === '*') continue;
      for (const scope of scopesOfEvent(operations, event)) if (!ctx.scopes.has(scope)) throw errors.eventNeedsScope(event, scope);
    }
    if (typeof body.url === 'string' && !URL.canParse(body.url)) {
      throw errors.validation('url', `The 'url' field must be a URL this server can call; '${body.url}' is not (an IPv6 zone id, say).`, 'invalid_url');
    }
    if (typeof body.url === 'string' && (await reachesSelf(body.url, listener()))) {
      throw errors.validation(
        'url',
        `The 'url' field must not point at this server itself ('${body.url}'): a webhook could then drive its control plane.`,
        'invalid_url',
      );
    }
  };
}
