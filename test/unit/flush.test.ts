import { describe, expect, it } from 'vitest';
import { createClock, type Clock } from '../../src/clock.js';
import { flushOutbox, type Outbox } from '../../src/webhooks/flush.js';
import { Waiter } from '../../src/webhooks/waiter.js';

const T0 = Date.parse('2026-07-01T12:00:00Z');

/** What one attempt comes to: success, a retry after that many ms (mock clock), or no end at all. */
type Outcome = 'ok' | { retryInMs: number } | 'hang';

interface Item {
  name: string;
  due: number;
  outcomes: Outcome[];
}

/**
 * An outbox in memory: drain starts every due item (unless paused), an attempt ends on a later
 * turn of the event loop and wakes waiters, as the dispatcher's do. Records what flush did.
 */
class FakeOutbox implements Outbox {
  pending: Item[] = [];
  running: Item[] = [];
  paused = false;
  isClosed = false;
  drains = 0;
  /** `name@mock-ms` of every attempt started. */
  started: string[] = [];
  ended: string[] = [];
  /** The ms flush asked nextChange to wait at most, in order. */
  waits: number[] = [];
  /** Runs when flush starts waiting (n = how many waits so far, 1-based). */
  onWait: (n: number) => void = () => undefined;
  private readonly changes = new Waiter();

  constructor(readonly clock: Clock) {
    clock.onChange(() => this.changes.notify());
  }

  add(name: string, due: number, ...outcomes: Outcome[]): this {
    this.pending.push({ name, due, outcomes });
    return this;
  }

  closed = () => this.isClosed;
  inFlight = () => this.running.length;
  earliestDue = () => Math.min(...this.pending.map((i) => i.due));

  drain = () => {
    this.drains++;
    if (this.paused || this.isClosed) return;
    const now = this.clock.now();
    for (const item of this.pending.filter((i) => i.due <= now)) {
      this.pending.splice(this.pending.indexOf(item), 1);
      this.running.push(item);
      this.started.push(`${item.name}@${now - T0}`);
      const outcome = item.outcomes.shift() ?? 'ok';
      if (outcome === 'hang') continue;
      setImmediate(() => {
        this.running.splice(this.running.indexOf(item), 1);
        this.ended.push(item.name);
        if (outcome !== 'ok') this.pending.push({ ...item, due: this.clock.now() + outcome.retryInMs });
        this.changes.notify();
      });
    }
  };

  nextChange = (ms: number) => {
    this.waits.push(ms);
    const waiting = this.changes.next(ms);
    this.onWait(this.waits.length);
    return waiting;
  };

  /** Wakes waiters on a later turn (as an event arriving would). */
  notifySoon(): void {
    setImmediate(() => this.changes.notify());
  }
}

function frozenClock(): Clock {
  const clock = createClock();
  clock.freeze(T0);
  return clock;
}

describe('flushOutbox', () => {
  it('returns at once when nothing is in flight or due, without waiting or moving the clock', async () => {
    const clock = frozenClock();
    const outbox = new FakeOutbox(clock);
    await expect(flushOutbox(outbox)).resolves.toEqual({ timedOut: false });
    await expect(flushOutbox(outbox, { advanceClock: true, timeoutMs: 0 })).resolves.toEqual({ timedOut: false });
    expect(outbox.waits).toEqual([]);
    expect(clock.now()).toBe(T0);
  });

  it('returns at once when the outbox is closed, even with attempts in flight, and drains nothing', async () => {
    const outbox = new FakeOutbox(frozenClock()).add('a', T0, 'hang');
    outbox.drain();
    outbox.add('b', T0);
    outbox.isClosed = true;
    const drains = outbox.drains;
    await expect(flushOutbox(outbox)).resolves.toEqual({ timedOut: false });
    expect(outbox.drains).toBe(drains);
    expect(outbox.waits).toEqual([]);
  });

  it('starts what is due and resolves only once every attempt has ended', async () => {
    const outbox = new FakeOutbox(frozenClock())
      .add('a', T0)
      .add('b', T0 - 1_000)
      .add('c', T0);
    await expect(flushOutbox(outbox)).resolves.toEqual({ timedOut: false });
    expect(outbox.started.sort()).toEqual(['a@0', 'b@0', 'c@0']);
    expect(outbox.ended.sort()).toEqual(['a', 'b', 'c']);
    expect(outbox.inFlight()).toBe(0);
    expect(outbox.waits.length).toBeGreaterThan(0);
  });

  it('waits for attempts already in flight, and what becomes due meanwhile', async () => {
    const clock = frozenClock();
    const outbox = new FakeOutbox(clock).add('a', T0);
    outbox.drain();
    // An event arrives while flush waits: it is due at once and flushed too.
    outbox.onWait = (n) => {
      if (n === 1) {
        outbox.add('b', clock.now());
        outbox.notifySoon();
      }
    };
    await expect(flushOutbox(outbox)).resolves.toEqual({ timedOut: false });
    expect(outbox.ended.sort()).toEqual(['a', 'b']);
  });

  it('without advanceClock, leaves a retry that is not yet due and does not move the clock', async () => {
    const clock = frozenClock();
    const outbox = new FakeOutbox(clock).add('a', T0, { retryInMs: 60_000 }).add('later', T0 + 5_000);
    await expect(flushOutbox(outbox)).resolves.toEqual({ timedOut: false });
    expect(outbox.started).toEqual(['a@0']);
    expect(outbox.pending.map((i) => i.due - T0).sort((x, y) => x - y)).toEqual([5_000, 60_000]);
    expect(clock.now()).toBe(T0);
  });

  it('with advanceClock, moves the mock clock to each pending retry in turn until every delivery has ended', async () => {
    const clock = frozenClock();
    const outbox = new FakeOutbox(clock).add('a', T0, { retryInMs: 1_000 }, { retryInMs: 5_000 }, 'ok').add('b', T0 + 3_000, { retryInMs: 30_000 }, 'ok');
    await expect(flushOutbox(outbox, { advanceClock: true })).resolves.toEqual({ timedOut: false });
    expect(outbox.started).toEqual(['a@0', 'a@1000', 'b@3000', 'a@6000', 'b@33000']);
    expect(outbox.pending).toEqual([]);
    expect(clock.now()).toBe(T0 + 33_000);
  });

  it('with advanceClock on a running clock, shifts it to each retry while real time passes', async () => {
    let real = T0;
    const clock = createClock(() => real);
    const outbox = new FakeOutbox(clock).add('a', T0 + 10_000, { retryInMs: 5_000 }, 'ok');
    // Real time passes while flush waits for the attempt: the retry is counted from when it ended.
    outbox.onWait = () => {
      real += 2_000;
    };
    await expect(flushOutbox(outbox, { advanceClock: true })).resolves.toEqual({ timedOut: false });
    expect(outbox.waits).toHaveLength(2);
    expect(outbox.started).toEqual(['a@10000', 'a@17000']);
    expect(clock.frozen).toBe(false);
    expect(clock.now()).toBe(T0 + 19_000);
  });

  it('with advanceClock and nothing left, returns without moving the clock', async () => {
    const clock = frozenClock();
    const outbox = new FakeOutbox(clock).add('a', T0);
    await expect(flushOutbox(outbox, { advanceClock: true })).resolves.toEqual({ timedOut: false });
    expect(clock.now()).toBe(T0);
  });

  it('when something is due but not started (paused), looks again within 50 ms until it starts', async () => {
    const outbox = new FakeOutbox(frozenClock()).add('a', T0);
    outbox.paused = true;
    // Something else changes at each look (an event, say); the third unpauses the endpoint.
    outbox.onWait = (n) => {
      if (n === 3) outbox.paused = false;
      outbox.notifySoon();
    };
    await expect(flushOutbox(outbox, { timeoutMs: 60_000 })).resolves.toEqual({ timedOut: false });
    expect(outbox.ended).toEqual(['a']);
    expect(outbox.waits.length).toBeGreaterThanOrEqual(3);
    for (const ms of outbox.waits.slice(0, 3)) {
      expect(ms).toBeGreaterThan(0);
      expect(ms).toBeLessThanOrEqual(50);
    }
  });

  it('never asks to wait past its deadline', async () => {
    const outbox = new FakeOutbox(frozenClock()).add('a', T0, { retryInMs: 0 }, { retryInMs: 0 }, 'ok');
    await expect(flushOutbox(outbox, { timeoutMs: 30_000 })).resolves.toEqual({ timedOut: false });
    expect(outbox.waits.length).toBeGreaterThan(0);
    for (const ms of outbox.waits) expect(ms).toBeLessThanOrEqual(30_000);
  });

  it('reports timedOut when an attempt is still in flight at the deadline', async () => {
    const outbox = new FakeOutbox(frozenClock()).add('a', T0, 'hang');
    await expect(flushOutbox(outbox, { timeoutMs: 5 })).resolves.toEqual({ timedOut: true });
    expect(outbox.inFlight()).toBe(1);
  });

  it('reports timedOut when something due never starts', async () => {
    const outbox = new FakeOutbox(frozenClock()).add('a', T0);
    outbox.paused = true;
    await expect(flushOutbox(outbox, { timeoutMs: 5, advanceClock: true })).resolves.toEqual({ timedOut: true });
    expect(outbox.started).toEqual([]);
  });

  it('a timeout of 0 with work to do times out without waiting', async () => {
    const outbox = new FakeOutbox(frozenClock()).add('a', T0, 'hang');
    await expect(flushOutbox(outbox, { timeoutMs: 0 })).resolves.toEqual({ timedOut: true });
    expect(outbox.waits).toEqual([]);
  });

  it('the deadline is real time: moving the mock clock does not end the wait early', async () => {
    const clock = frozenClock();
    const outbox = new FakeOutbox(clock).add('a', T0, 'hang');
    // Each wait moves the mock clock an hour on (which wakes the waiters): flush keeps waiting.
    outbox.onWait = (n) => {
      if (n <= 3) setImmediate(() => clock.advance(3_600_000));
      else {
        outbox.isClosed = true;
        outbox.notifySoon();
      }
    };
    await expect(flushOutbox(outbox, { timeoutMs: 60_000 })).resolves.toEqual({ timedOut: false });
    expect(outbox.waits.length).toBe(4);
  });

  it('returns once the outbox closes while it waits', async () => {
    const outbox = new FakeOutbox(frozenClock()).add('a', T0, 'hang');
    outbox.onWait = () => {
      outbox.isClosed = true;
      outbox.notifySoon();
    };
    await expect(flushOutbox(outbox, { timeoutMs: 60_000 })).resolves.toEqual({ timedOut: false });
    expect(outbox.waits).toHaveLength(1);
  });
});
