import type { Clock } from '../clock.js';

const WINDOW_MS = 60_000;

export interface RateDecision {
  limit: number;
  remaining: number;
  /** End of the window, unix seconds. */
  reset: number;
  allowed: boolean;
  retryAfter: number;
}

/**
 * Fixed one-minute windows on the mock clock, per bucket (a credential, or a client address
 * when there is none). Counting is synchronous, so it is exact under any concurrency.
 */
export class RateLimiter {
  private windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly clock: Clock) {}

  hit(bucket: string, limit: number): RateDecision {
    const now = this.clock.now();
    const start = Math.floor(now / WINDOW_MS) * WINDOW_MS;
    let w = this.windows.get(bucket);
    if (!w || w.start !== start) {
      if (this.windows.size > 10_000) this.sweep(start);
      w = { start, count: 0 };
      this.windows.set(bucket, w);
    }
    const allowed = w.count < limit;
    if (allowed) w.count++;
    const end = start + WINDOW_MS;
    return {
      limit,
      remaining: Math.max(0, limit - w.count),
      reset: Math.ceil(end / 1000),
      allowed,
      retryAfter: Math.max(1, Math.ceil((end - now) / 1000)),
    };
  }

  reset(): void {
    this.windows.clear();
  }

  /** A bucket's current window, without counting in it: requests so far, and its end (ms since the epoch). */
  peek(bucket: string): { used: number; endsAt: number } {
    const start = Math.floor(this.clock.now() / WINDOW_MS) * WINDOW_MS;
    const w = this.windows.get(bucket);
    return { used: w && w.start === start ? w.count : 0, endsAt: start + WINDOW_MS };
  }

  /** The buckets that have had a window (their current one may be empty). */
  buckets(): string[] {
    return [...this.windows.keys()];
  }

  /** Windows held (one per credential or client address in use). */
  get size(): number {
    return this.windows.size;
  }

  private sweep(current: number): void {
    for (const [bucket, w] of this.windows) if (w.start < current) this.windows.delete(bucket);
  }
}
