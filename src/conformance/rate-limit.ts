import { attemptsOf, chainsOf, journalCheck, label, ms, times, waitsOf } from './attempts.js';
import type { Arm, Check } from './context.js';

/** Timers fire a little early or late: waits are compared with this much slack. */
const SLACK_MS = 50;
/**
 * A wait counts as shorter than the one before when it lost more than a quarter of it: a busy
 * machine makes one wait seem longer by tens of milliseconds (never shorter), and a client that
 * waits Retry-After each time must not seem to shrink its waits.
 */
const shrank = (wait: number, before: number) => wait < Math.min(before - SLACK_MS, before * 0.75);

/**
 * `rate-limit`: a fault rule of the workspace answers its next `count` /v1 requests 429 with
 * `Retry-After: retry_after_s`. Graded on the wall clock: did the client wait that long before
 * each retry, never wait less than the time before, and stop within max_attempts?
 */
export const armRateLimit: Arm = (ctx, { workspaceId, options }) => {
  const retryAfter = Number(options.retry_after_s);
  const maxAttempts = Number(options.max_attempts);
  const rule = ctx.faults.add({ workspace_id: workspaceId, path: '/v1/*', status: 429, retry_after: retryAfter, count: Number(options.count) });
  return {
    stop: () => void ctx.faults.remove(rule.id),
    grade(window) {
      const refused = (a: { fault: string | undefined }) => a.fault === rule.id;
      const chains = chainsOf(attemptsOf(ctx.journal, window, workspaceId), refused);
      if (chains.length === 0) return { pending: true, checks: [] };
      const wanted = retryAfter * 1000;
      const checks: Check[] = [];

      const unretried = chains.filter((c) => c.length === 1);
      checks.push({
        name: 'retried',
        passed: unretried.length === 0,
        detail: unretried.length
          ? `${label(unretried[0]![0]!)} got 429 (Retry-After: ${retryAfter}) and was never sent again${unretried.length > 1 ? ` (and ${unretried.length - 1} more)` : ''}: retry a rate-limited request once Retry-After has passed (RFC 6585 §4).`
          : chains.length === 1
            ? 'The request refused with 429 was sent again.'
            : `Each of the ${chains.length} requests refused with 429 was sent again.`,
      });

      const early = chains.flatMap((c) => waitsOf(c).map((w, i) => ({ chain: c, w, i }))).filter((x) => x.w < wanted - SLACK_MS);
      const all = chains.flatMap(waitsOf);
      checks.push({
        name: 'waited-retry-after',
        passed: early.length === 0,
        detail: early.length
          ? `${label(early[0]!.chain[0]!)} was retried ${ms(early[0]!.w)} after a 429 that said Retry-After: ${retryAfter}: wait at least ${ms(wanted)} (RFC 9110 §10.2.3)${early.length > 1 ? `; ${early.length} retries came too soon` : ''}.`
          : all.length
            ? `Every retry waited at least Retry-After (${ms(wanted)}): ${all.map(ms).join(', ')}.`
            : 'No retry to time yet.',
      });

      const shrinking = chains.map((c) => ({ c, w: waitsOf(c) })).find(({ w }) => w.some((x, i) => i > 0 && shrank(x, w[i - 1]!)));
      checks.push({
        name: 'backed-off',
        passed: !shrinking,
        detail: shrinking
          ? `The waits before retrying ${label(shrinking.c[0]!)} shrank (${shrinking.w.map(ms).join(', ')}): back off, each wait at least as long as the one before and never below Retry-After.`
          : 'No wait before a retry was shorter than the one before it.',
      });

      const longest = chains.reduce((best, c) => (c.filter(refused).length > best.filter(refused).length ? c : best), chains[0]!);
      const refusedInARow = longest.filter(refused).length;
      checks.push({
        name: 'gave-up',
        passed: refusedInARow <= maxAttempts,
        detail:
          refusedInARow > maxAttempts
            ? `${label(longest[0]!)} was sent ${times(refusedInARow)} into 429s: give up after at most ${maxAttempts} attempts (options.max_attempts) and report the error.`
            : `At most ${refusedInARow} attempt${refusedInARow === 1 ? '' : 's'} of one request met a 429 (the bound is ${maxAttempts}).`,
      });
      const lost = journalCheck(ctx.journal, window);
      return { pending: false, checks: lost ? [...checks, lost] : checks };
    },
  };
};
