import { MAX_INSTANT } from '../clock.js';
import type { Rec } from '../store/types.js';

/** What one POST to an endpoint came to. */
export interface AttemptResult {
  attemptedAt: string;
  status: number | null;
  error: string | null;
  durationMs: number;
  /** The signed headers it was sent with (absent when it was never sent). */
  headers?: Record<string, string>;
  /** The first bytes of the answer's body (null without an answer). */
  responseBody?: string | null;
}

/**
 * The delivery after one more attempt: succeeded on a 2xx; otherwise pending with the next
 * retry (`retries[attempts - 1]` ms on the mock clock), or failed once they are used up.
 */
export function recordAttempt(latest: Rec, result: AttemptResult, retries: readonly number[], now: number, nowIso: string): Rec {
  const attempts = Number(latest.attempts) + 1;
  const ok = result.error === null;
  const retryIn = ok ? undefined : retries[attempts - 1];
  return {
    ...latest,
    status: ok ? 'succeeded' : retryIn === undefined ? 'failed' : 'pending',
    attempts,
    response_status: result.status,
    error: result.error,
    next_attempt_at: retryIn === undefined ? null : new Date(Math.min(now + retryIn, MAX_INSTANT)).toISOString(),
    history: [
      ...(latest.history as unknown[]),
      {
        attempted_at: result.attemptedAt,
        response_status: result.status,
        duration_ms: result.durationMs,
        error: result.error,
        ...(result.headers ? { headers: result.headers, response_body: result.responseBody ?? null } : {}),
      },
    ],
    updated_at: nowIso,
  };
}

/** Why a status is not a success, or null for a 2xx. */
export function failureOf(status: number): string | null {
  if (status >= 200 && status <= 299) return null;
  if (status >= 300 && status <= 399) return `The endpoint answered ${status}; redirects are not followed.`;
  return `The endpoint answered ${status}.`;
}
