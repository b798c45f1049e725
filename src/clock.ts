/**
 * The mock clock: every timestamp, window and schedule reads time from here.
 * Real time by default; can be frozen at an instant or shifted by an offset.
 */
export interface Clock {
  /** Milliseconds since the epoch, as the mock sees them. */
  now(): number;
  /** ISO 8601 UTC with 'Z' and no milliseconds, the API's timestamp format. */
  iso(): string;
  /** Freeze at an instant (ms since the epoch). */
  freeze(at: number): void;
  /** Move forward (or back, with a negative number), frozen or not. */
  advance(ms: number): void;
  /** Back to real time. */
  reset(): void;
  readonly frozen: boolean;
  /** Called after every freeze, advance or reset (schedules on the mock clock re-plan). */
  onChange(listener: () => void): () => void;
}

export function toIso(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

export function createClock(realNow: () => number = Date.now): Clock {
  let frozenAt: number | null = null;
  let offset = 0;
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const listener of listeners) listener();
  };
  const clock: Clock = {
    now: () => (frozenAt ?? realNow()) + offset,
    iso: () => toIso(clock.now()),
    freeze(at) {
      frozenAt = at;
      offset = 0;
      changed();
    },
    advance(ms) {
      if (frozenAt !== null) frozenAt += ms;
      else offset += ms;
      changed();
    },
    reset() {
      frozenAt = null;
      offset = 0;
      changed();
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get frozen() {
      return frozenAt !== null;
    },
  };
  return clock;
}
