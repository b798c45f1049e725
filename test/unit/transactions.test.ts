import { describe, expect, it, vi } from 'vitest';
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

  it('one arriving while a write is in flight runs on what the last one saved', async () => {
    const { tx, state, set, writes, release } = setup();
    const first = tx.run(() => set('one'));
    await Promise.resolve();
    const second = tx.run(() => set(`${state.value}+two`));
    release(false);
    await expect(first).rejects.toThrow();
    await vi.waitUntil(() => writes.length === 2);
    release(true);
    await second;
    expect(writes).toEqual(['one', 'start+two']);
    expect(state.value).toBe('start+two');
  });

  it('group commit: those that wait share one write, each on the ones before it, each answered once it lands', async () => {
    const { tx, state, set, writes, release } = setup();
    const first = tx.run(() => set('one'));
    await Promise.resolve();
    const answered: string[] = [];
    const group = [
      tx.run(() => set(`${state.value}+a`)).then(() => answered.push('a')),
      tx
        .run(() => {
          set('refused');
          throw new Error('no');
        })
        .catch(() => answered.push('refused')),
      tx.run(() => set(`${state.value}+b`)).then(() => answered.push('b')),
    ];
    release(true);
    await first;
    await vi.waitUntil(() => writes.length === 2);
    // The throwing one is answered at once; the others wait for the group's write.
    expect(answered).toEqual(['refused']);
    expect(state.value).toBe('one');
    release(true);
    await Promise.all(group);
    expect(writes).toEqual(['one', 'one+a+b']);
    expect(answered).toEqual(['refused', 'a', 'b']);
    expect(state.value).toBe('one+a+b');
  });

  it('a failed group write refuses every transaction in it and leaves none behind', async () => {
    const { tx, state, set, writes, release } = setup();
    const first = tx.run(() => set('one'));
    await Promise.resolve();
    const a = tx.run(() => set(`${state.value}+a`));
    const b = tx.run(() => set(`${state.value}+b`));
    release(true);
    await first;
    await vi.waitUntil(() => writes.length === 2);
    release(false);
    await expect(a).rejects.toThrow('not saved: disk full');
    await expect(b).rejects.toThrow('not saved: disk full');
    expect(state.value).toBe('one');
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
