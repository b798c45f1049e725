import { describe, expect, it } from 'vitest';
import { createClock, MAX_INSTANT } from '../../src/clock.js';
import type { Rec } from '../../src/store/types.js';
import { failureOf, recordAttempt, type AttemptResult } from '../../src/webhooks/attempt.js';

const T0 = Date.parse('2026-07-01T12:00:00Z');
const RETRIES = [1_000, 5_000, 30_000];

const pending = (over: Partial<Rec> = {}): Rec => ({
  id: 'dlv_1',
  webhook_id: 'wh_1',
  event_id: 'evt_1',
  event: 'ticket.created',
  status: 'pending',
  attempts: 0,
  response_status: null,
  error: null,
  next_attempt_at: '2026-07-01T12:00:00Z',
  payload: { id: 'evt_1' },
  history: [],
  created_at: '2026-07-01T12:00:00Z',
  updated_at: '2026-07-01T12:00:00Z',
  ...over,
});

const answered = (status: number | null, error = status === null ? 'Could not connect: ECONNREFUSED.' : failureOf(status)): AttemptResult => ({
  attemptedAt: '2026-07-01T12:00:00.000Z',
  status,
  error,
  durationMs: 1.5,
});

describe('recordAttempt', () => {
  it('a 2xx: succeeded, nothing more to attempt', () => {
    const d = recordAttempt(pending(), answered(204), RETRIES, T0, '2026-07-01T12:00:00Z');
    expect(d).toMatchObject({ status: 'succeeded', attempts: 1, response_status: 204, error: null, next_attempt_at: null });
  });

  it('a failure is retried on the schedule, each delay counted from the attempt, on the mock clock', () => {
    const clock = createClock();
    clock.freeze(T0);
    let d = pending();
    const due: (string | null)[] = [];
    for (const wait of [0, 1_000, 5_000]) {
      clock.advance(wait);
      d = recordAttempt(d, answered(503), RETRIES, clock.now(), clock.iso());
      due.push(d.next_attempt_at as string | null);
      expect(d).toMatchObject({ status: 'pending', attempts: due.length, response_status: 503, error: 'The endpoint answered 503.', updated_at: clock.iso() });
    }
    expect(due).toEqual(['2026-07-01T12:00:01.000Z', '2026-07-01T12:00:06.000Z', '2026-07-01T12:00:36.000Z']);
  });

  it('a failure after the last retry: failed, with no next attempt', () => {
    const d = recordAttempt(pending({ attempts: RETRIES.length }), answered(null), RETRIES, T0, '2026-07-01T12:00:00Z');
    expect(d).toMatchObject({
      status: 'failed',
      attempts: RETRIES.length + 1,
      response_status: null,
      error: 'Could not connect: ECONNREFUSED.',
      next_attempt_at: null,
    });
  });

  it('with no retries, the first failure is final', () => {
    expect(recordAttempt(pending(), answered(500), [], T0, '2026-07-01T12:00:00Z')).toMatchObject({ status: 'failed', attempts: 1, next_attempt_at: null });
  });

  it('a success after failures: succeeded, whatever retries are left', () => {
    const d = recordAttempt(pending({ attempts: 2 }), answered(200), RETRIES, T0, '2026-07-01T12:00:00Z');
    expect(d).toMatchObject({ status: 'succeeded', attempts: 3, error: null, next_attempt_at: null });
  });

  it('appends the attempt to the history, and leaves the record it was given alone', () => {
    const first = { attempted_at: '2026-07-01T11:59:59.000Z', response_status: 500, duration_ms: 3, error: 'The endpoint answered 500.' };
    const before = pending({ attempts: 1, history: [first] });
    const copy = structuredClone(before);
    const d = recordAttempt(before, answered(500), RETRIES, T0, '2026-07-01T12:00:00Z');
    expect(d.history).toEqual([
      first,
      { attempted_at: '2026-07-01T12:00:00.000Z', response_status: 500, duration_ms: 1.5, error: 'The endpoint answered 500.' },
    ]);
    expect(before).toEqual(copy);
    expect(d).toMatchObject({ id: 'dlv_1', event_id: 'evt_1', payload: { id: 'evt_1' }, created_at: '2026-07-01T12:00:00Z' });
  });

  it('a retry past the end of the clock is due at its last instant', () => {
    const d = recordAttempt(pending(), answered(500), [60_000], MAX_INSTANT - 1_000, '9999-12-31T23:59:58Z');
    expect(d.next_attempt_at).toBe(new Date(MAX_INSTANT).toISOString());
  });
});

describe('failureOf', () => {
  it.each([200, 201, 204, 299])('%i is a success', (status) => expect(failureOf(status)).toBeNull());

  it.each([
    [301, 'The endpoint answered 301; redirects are not followed.'],
    [399, 'The endpoint answered 399; redirects are not followed.'],
    [199, 'The endpoint answered 199.'],
    [404, 'The endpoint answered 404.'],
    [500, 'The endpoint answered 500.'],
  ])('%i is a failure', (status, message) => expect(failureOf(status)).toBe(message));
});
