import { describe, expect, it } from 'vitest';
import { Transactions } from '../../src/store/transactions.js';

/** A store of one value whose writes wait on a gate the test opens (or fails). */
function setup() {
  let release!: (ok: boolean) => void;
  const writes: string[] = [];
  const state = { value: 'start' };
  const tx = new Transactions(
    () => {
      writes.push(state.value); // serialised now, as lowdb does
      return new Promise<void>((resolve, reject) => (release = (ok) => (ok ? resolve() : reject(new Error('disk full')))));
    },
    (err) => new Error(`not saved: ${(err as Error).message}`),
  );
  const set = (next: string) => {
    const before = state.value;
    state.value = next;
    tx.record(
      () => (state.value = before),
      () => (state.value = next),
    );
  };
  return { tx, state, set, writes, release: (ok: boolean) => release(ok) };
}

describe('transactions with a durable write', () => {
  it('write the new state, show it only once it is saved', async () => {
    const { tx, state, set, writes, release } = setup();
    const done = tx.run(() => set('next'));
    await Promise.resolve();
    expect(writes).toEqual(['next']);
    expect(state.value).toBe('start');
    release(true);
    await done;
    expect(state.value).toBe('next');
  });

  it('leave nothing behind when the write fails', async () => {
    const { tx, state, set, release } = setup();
    const done = tx.run(() => set('lost'));
    await Promise.resolve();
    release(false);
    await expect(done).rejects.toThrow('not saved: disk full');
    expect(state.value).toBe('start');
  });

  it('run one at a time, each on what the last one saved', async () => {
    const { tx, state, set, writes, release } = setup();
    const first = tx.run(() => set('one'));
    const second = tx.run(() => set(`${state.value}+two`));
    await Promise.resolve();
    release(false);
    await expect(first).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 0));
    release(true);
    await second;
    expect(writes).toEqual(['one', 'start+two']);
    expect(state.value).toBe('start+two');
  });

  it('undo a change whose work throws, and refuse asynchronous work', async () => {
    const { tx, state, set } = setup();
    await expect(
      tx.run(() => {
        set('half');
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(state.value).toBe('start');
    await expect(tx.run(() => Promise.resolve(1))).rejects.toThrow(/synchronously/);
  });
});
