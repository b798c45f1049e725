import { rawHeader } from '../middleware/journal-log.js';
import { type Attempt, attemptsOf, chainsOf, journalCheck, label, ms, times, waitsOf } from './attempts.js';
import type { Arm, Armed, Check, ConformanceContext, ScenarioOptions, Window } from './context.js';

const SAFE = new Set(['GET', 'HEAD']);
const NON_IDEMPOTENT = new Set(['POST', 'PATCH']);
/** Each wait must be this much longer than the one before to count as growing, give or take the slack of timers and the network. */
const GROWTH = 1.1;
const SLACK_MS = 25;

/** `server-errors`: the workspace's next `count` /v1 requests answer 503, 500, 503… (one fault rule each). */
export const armServerErrors: Arm = (ctx, { workspaceId, options }) => {
  const rules = Array.from({ length: Number(options.count) }, (_, i) =>
    ctx.faults.add({ workspace_id: workspaceId, path: '/v1/*', status: i % 2 === 0 ? 503 : 500, count: 1 }),
  );
  return retryGrader(ctx, workspaceId, options, new Set(rules.map((r) => r.id)), 'got a 5xx');
};

/** `dropped-connection`: the workspace's next `count` /v1 requests lose their connection without an answer. */
export const armDroppedConnection: Arm = (ctx, { workspaceId, options }) => {
  const rule = ctx.faults.add({ workspace_id: workspaceId, path: '/v1/*', drop_connection: true, count: Number(options.count) });
  return retryGrader(ctx, workspaceId, options, new Set([rule.id]), 'lost its connection without an answer');
};

/** The same rules for both: retry safe requests with growing delays, never repeat a POST or PATCH blindly. */
function retryGrader(ctx: ConformanceContext, workspaceId: string, options: ScenarioOptions, ruleIds: Set<string>, what: string): Armed {
  const minDelay = Number(options.min_delay_ms);
  return {
    stop: () => {
      for (const id of ruleIds) ctx.faults.remove(id);
    },
    grade(window: Window) {
      const failed = (a: Attempt) => a.fault !== undefined && ruleIds.has(a.fault);
      const chains = chainsOf(attemptsOf(ctx.journal, window, workspaceId), failed);
      if (chains.length === 0) return { pending: true, checks: [] };
      const checks: Check[] = [];

      const safe = chains.filter((c) => SAFE.has(c[0]!.method));
      const dropped = safe.filter((c) => c.length === 1);
      checks.push({
        name: 'retried-safe',
        passed: dropped.length === 0,
        detail: dropped.length
          ? `${label(dropped[0]![0]!)} ${what} and was not retried${dropped.length > 1 ? ` (nor ${dropped.length - 1} more)` : ''}: retry safe requests (GET, HEAD: RFC 9110 §9.2.1) after a transient failure, waiting longer each time.`
          : safe.length
            ? safe.length === 1
              ? 'The safe request that failed was sent again.'
              : `Each of the ${safe.length} safe requests that failed was sent again.`
            : 'No safe request (GET, HEAD) failed: the failures hit only other methods.',
      });

      const retried = chains.filter((c) => c.length > 1);
      const tooSoon = retried.find((c) => waitsOf(c)[0]! < minDelay);
      const flat = retried.find((c) => waitsOf(c).some((w, i, all) => i > 0 && w < all[i - 1]! * GROWTH - SLACK_MS));
      const bad = tooSoon ?? flat;
      checks.push({
        name: 'growing-delays',
        passed: !bad,
        detail: tooSoon
          ? `${label(tooSoon[0]!)} was retried ${ms(waitsOf(tooSoon)[0]!)} after it ${what}: wait before retrying (at least ${ms(minDelay)}, options.min_delay_ms), then longer each time (exponential backoff).`
          : flat
            ? `The waits before retrying ${label(flat[0]!)} did not grow (${waitsOf(flat).map(ms).join(', ')}): make each wait longer than the one before (exponential backoff), so a struggling server gets room.`
            : retried.length
              ? `Retries waited ${retried.map((c) => waitsOf(c).map(ms).join(' → ')).join('; ')}.`
              : 'No request was retried, so there were no delays to time.',
      });

      const repeated = chains.filter((c) => NON_IDEMPOTENT.has(c[0]!.method) && c.length > 1 && !sameIdempotencyKey(c));
      checks.push({
        name: 'no-blind-repeat',
        passed: repeated.length === 0,
        detail: repeated.length
          ? `${label(repeated[0]![0]!)} ${what} and was sent again ${times(repeated[0]!.length - 1)} with the same body and no Idempotency-Key: the server may have applied it already; do not repeat a non-idempotent request blindly (RFC 9110 §9.2.2) — report the failure, or retry it with an Idempotency-Key.`
          : `No POST or PATCH that failed was sent again blindly${chains.some((c) => NON_IDEMPOTENT.has(c[0]!.method)) ? '' : ' (none failed)'}.`,
      });
      const lost = journalCheck(ctx.journal, window);
      return { pending: false, checks: lost ? [...checks, lost] : checks };
    },
  };
}

/** Every attempt of the chain carried the same Idempotency-Key (a retry the server can recognise). */
function sameIdempotencyKey(chain: Attempt[]): boolean {
  const first = rawHeader(chain[0]!.raw, 'idempotency-key');
  return first !== undefined && first !== '' && chain.every((a) => rawHeader(a.raw, 'idempotency-key') === first);
}
