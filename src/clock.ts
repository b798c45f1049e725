/**
 * The mock clock: every timestamp, window and schedule reads time from here.
 * Real time by default; can be frozen at an instant or shifted by an offset.
 */
export interface Clock {
  /** Milliseconds since the epoch, as the mock sees them. */
  now(): number;
  /** ISO 8601 UTC with 'Z' and no milliseconds, the API's timestamp format. */
  iso(): string;
  /** Freeze at an instant (ms since the epoch); a RangeError outside MIN_INSTANT..MAX_INSTANT. */
  freeze(at: number): void;
  /** Move forward (or back, with a negative number), frozen or not; a RangeError past the range. */
  advance(ms: number): void;
  /** Back to real time. */
  reset(): void;
  readonly frozen: boolean;
  /** How far the mock clock is from real time, in ms (0 when it runs at real time). */
  offsetMs(): number;
  /** Called after every freeze, advance or reset (schedules on the mock clock re-plan). */
  onChange(listener: () => void): () => void;
}

/** The instants the mock clock can show: what an RFC 3339 date-time with a 4-digit year can hold, from the Unix epoch on. */
export const MIN_INSTANT = 0;
export const MAX_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59);

export const CLOCK_RANGE = 'the mock clock runs from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z';

export function inClockRange(ms: number): boolean {
  return Number.isFinite(ms) && ms >= MIN_INSTANT && ms <= MAX_INSTANT;
}

function checked(ms: number): number {
  if (!inClockRange(ms)) throw new RangeError(`Out of range: ${CLOCK_RANGE}.`);
  return ms;
}

/**
 * A date (`2026-01-01`, midnight UTC) or an RFC 3339 date-time as milliseconds since the epoch.
 * A leap second (`23:59:60`) is the instant after `23:59:59`; NaN when unparseable.
 */
export function parseInstant(value: string): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return Date.parse(`${value}T00:00:00Z`);
  const leap = /^(.*T\d{2}:\d{2}:)60(\.\d+)?(.*)$/i.exec(value);
  if (leap) return Date.parse(`${leap[1]}59${leap[2] ?? ''}${leap[3]}`) + 1000;
  return Date.parse(value);
}

export function toIso(ms: number): string {
  // From year 0 to 9999 (all but extreme instants), the date part comes from a small cache of
  // days and the time of day is arithmetic: fixtures format millions of instants at start.
  if (!(ms >= 0 && ms < 253_402_300_800_000)) return `${new Date(ms).toISOString().slice(0, 19)}Z`;
  const day = Math.floor(ms / DAY_MS);
  let date = isoDays.get(day);
  if (date === undefined) {
    date = new Date(day * DAY_MS).toISOString().slice(0, 11);
    if (isoDays.size < 10_000) isoDays.set(day, date);
  }
  const s = Math.floor((ms - day * DAY_MS) / 1000);
  return `${date}${twoDigits(Math.floor(s / 3600))}:${twoDigits(Math.floor(s / 60) % 60)}:${twoDigits(s % 60)}Z`;
}

const DAY_MS = 86_400_000;
/** 'YYYY-MM-DDT' by day since the epoch. */
const isoDays = new Map<number, string>();
const twoDigits = (n: number) => (n < 10 ? `0${n}` : String(n));

export function createClock(realNow: () => number = Date.now): Clock {
  let frozenAt: number | null = null;
  let offset = 0;
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const listener of listeners) listener();
  };
  const clock: Clock = {
    // A running clock moved close to the end of its range stops there.
    now: () => Math.min((frozenAt ?? realNow()) + offset, MAX_INSTANT),
    iso: () => toIso(clock.now()),
    offsetMs: () => clock.now() - realNow(),
    freeze(at) {
      frozenAt = checked(at);
      offset = 0;
      changed();
    },
    advance(ms) {
      checked(clock.now() + ms);
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

/** A wait in real time (what a client must feel: latency); injected, so a test can record it instead. */
export type Sleep = (ms: number) => Promise<unknown>;
