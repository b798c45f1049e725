import type { Clock } from '../clock.js';

export interface FlushOptions {
  /** Move the mock clock to each pending retry in turn, until every delivery has ended. */
  advanceClock?: boolean;
  /** Real time to wait at most, in ms (default 10 000). */
  timeoutMs?: number;
}

/** What flushing looks at and drives: the dispatcher's outbox. */
export interface Outbox {
  clock: Clock;
  /** Nothing more will be sent. */
  closed(): boolean;
  /** Attempts in flight. */
  inFlight(): number;
  /** Starts whatever is due and may start now. */
  drain(): void;
  /** Earliest due time among the queue heads of active endpoints (Infinity when there is none). */
  earliestDue(): number;
  /** Resolves at the next change (an attempt starting or ending, an event, the clock), or after `ms`. */
  nextChange(ms: number): Promise<void>;
}

/**
 * Resolves once nothing is in flight and nothing is due; with `advanceClock`, moves the mock
 * clock to each pending retry in turn until every delivery has ended. Waits on changes
 * (an attempt ending, an event, the clock), never in a loop.
 */
export async function flushOutbox(outbox: Outbox, options: FlushOptions = {}): Promise<{ timedOut: boolean }> {
  const { clock } = outbox;
  const deadline = performance.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    if (outbox.closed()) return { timedOut: false };
    outbox.drain();
    const now = clock.now();
    const earliest = outbox.earliestDue();
    const dueNow = earliest <= now;
    if (outbox.inFlight() === 0 && !dueNow) {
      if (!options.advanceClock || earliest === Infinity) return { timedOut: false };
      clock.advance(Math.max(0, earliest - clock.now()));
      continue;
    }
    const left = deadline - performance.now();
    if (left <= 0) return { timedOut: true };
    // Due but not started (paused after a failed record, or at the in-flight cap): look again soon.
    await outbox.nextChange(outbox.inFlight() === 0 ? Math.min(left, 50) : left);
  }
}
