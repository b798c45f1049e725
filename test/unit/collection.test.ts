import { describe, expect, it } from 'vitest';
import { Collection } from '../../src/store/collection.js';
import { dict, type Dict } from '../../src/store/dict.js';
import type { Rec } from '../../src/store/types.js';

const rec = (id: string, status = 'open'): Rec => {
  const at = `2026-07-01T12:00:0${id.slice(-1)}Z`;
  return Object.freeze({ id, status, created_at: at, updated_at: at });
};

function shared(): Dict<Rec> {
  return Object.freeze(dict({ t_1: rec('t_1'), t_2: rec('t_2', 'closed') }));
}

describe('Collection over a shared (frozen) record map: copy on write', () => {
  it('reads the shared map, and its first write copies it and hands the copy on', () => {
    const map = shared();
    const copies: Dict<Rec>[] = [];
    const c = new Collection(map, undefined, (copy) => copies.push(copy));
    expect(c.get('t_1')).toBe(map.t_1);
    expect(c.size).toBe(2);
    c.put(rec('t_3'));
    c.remove('t_1');
    expect(copies).toHaveLength(1);
    expect(Object.keys(copies[0]!)).toEqual(['t_2', 't_3']);
    expect(Object.getPrototypeOf(copies[0]!)).toBeNull();
    // The shared map is as it was, for every other workspace.
    expect(Object.keys(map)).toEqual(['t_1', 't_2']);
    expect(c.size).toBe(2);
    expect(c.get('t_1')).toBeUndefined();
  });

  it('two collections on one map: a write in one is not seen by the other, nor by its views', () => {
    const map = shared();
    const a = new Collection(map);
    const b = new Collection(map);
    expect(a.sorted('created_at', 'asc').records.map((r) => r.id)).toEqual(['t_1', 't_2']);
    // The view of a shared map is shared.
    expect(b.sorted('created_at', 'asc')).toBe(a.sorted('created_at', 'asc'));
    a.put(rec('t_0'));
    expect(a.sorted('created_at', 'asc').records.map((r) => r.id)).toEqual(['t_0', 't_1', 't_2']);
    expect(b.sorted('created_at', 'asc').records.map((r) => r.id)).toEqual(['t_1', 't_2']);
    expect(b.get('t_0')).toBeUndefined();
  });

  it('a rolled-back write leaves the copy as the map was, and the shared map untouched', () => {
    const map = shared();
    const undos: (() => void)[] = [];
    const c = new Collection(map, (undo) => undos.push(undo));
    c.put(rec('t_1', 'closed'));
    for (const undo of undos.reverse()) undo();
    expect(c.get('t_1')).toBe(map.t_1);
    expect(map.t_1!.status).toBe('open');
  });
});
