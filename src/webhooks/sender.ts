import { isIP } from 'node:net';
import type { Clock } from '../clock.js';
import { LIMITS } from '../limits.js';
import { isLoopbackHost } from '../loopback.js';
import type { Rec } from '../store/types.js';
import { VERSION } from '../version.js';
import { failureOf, type AttemptResult } from './attempt.js';
import { AgentPool, post } from './post.js';
import { sign } from './signing.js';
import { guardedLookup, type Listener, portOf, reachesSelf } from './targets.js';

export interface SenderOptions {
  clock: Clock;
  /** Deadline of a whole attempt, in ms. */
  timeoutMs: number;
  /** Where this server listens: deliveries never go back to it. */
  listener: () => Listener | undefined;
}

/** Sends deliveries, signed; no endpoint shares sockets with another. */
export class Sender {
  private readonly agents = new AgentPool(LIMITS.attemptsInFlight * 2);
  /** Whether a URL with a literal address (or a loopback name) reaches this server, per listener: it cannot change while both stay. */
  private readonly selfReach = new Map<string, boolean>();

  constructor(private readonly opts: SenderOptions) {}

  /**
   * POSTs a delivery to its subscription's URL, signed; never throws: a failure is the
   * attempt's result. `endpoint` names the endpoint whose keep-alive agent it goes out on.
   */
  async send(endpoint: string, hook: Rec, d: Rec): Promise<AttemptResult> {
    const { clock, timeoutMs } = this.opts;
    const url = String(hook.url);
    const attemptedAt = new Date(clock.now()).toISOString();
    const t0 = performance.now();
    let status: number | null = null;
    let error: string | null = null;
    let headers: Record<string, string> | undefined;
    let responseBody: string | null = null;
    try {
      const target = new URL(url);
      // Names are checked when they resolve (guardedLookup); addresses and loopback names here.
      const literal = isIP(target.hostname.replace(/^\[|\]$/g, '')) || isLoopbackHost(target.hostname);
      if (literal && (await this.reachesSelf(url))) throw new Error('Not sent: the URL reaches this server itself.');
      const body = JSON.stringify(d.payload);
      const timestamp = Math.floor(clock.now() / 1000);
      headers = {
        'webhook-id': String(d.event_id),
        'webhook-timestamp': String(timestamp),
        'webhook-signature': sign(String(hook.secret), String(d.event_id), timestamp, body),
      };
      const answer = await post(url, { 'content-type': 'application/json', 'user-agent': `commflow-mock/${VERSION} (webhooks)`, ...headers }, body, {
        deadlineMs: timeoutMs,
        keepBytes: LIMITS.webhookResponseBytes,
        agent: this.agents.for(`${endpoint} ${target.origin}`, target.protocol),
        lookup: guardedLookup(this.opts.listener, portOf(target)) as never,
      });
      status = answer.status;
      responseBody = answer.excerpt;
      error = failureOf(status);
    } catch (err) {
      error = (err as Error).message;
    }
    return { attemptedAt, status, error, durationMs: Math.round((performance.now() - t0) * 1000) / 1000, ...(headers ? { headers, responseBody } : {}) };
  }

  private async reachesSelf(url: string): Promise<boolean> {
    const listener = this.opts.listener();
    const key = `${listener?.host} ${listener?.port} ${url}`;
    let verdict = this.selfReach.get(key);
    if (verdict === undefined) {
      verdict = await reachesSelf(url, listener);
      if (this.selfReach.size >= LIMITS.attemptsInFlight * 4) this.selfReach.clear();
      this.selfReach.set(key, verdict);
    }
    return verdict;
  }

  /** Closes every kept-alive socket. */
  close(): void {
    this.agents.destroy();
  }
}
