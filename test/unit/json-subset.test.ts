import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSubset, subsetDifferences } from '../../src/conformance/json-subset.js';

describe('isSubset: a body contains the matcher as a JSON subset', () => {
  it.each([
    [{ subject: 'x' }, { subject: 'x', status: 'open' }, true],
    [{ subject: 'x' }, { subject: 'y' }, false],
    [{ subject: 'x' }, { status: 'open' }, false],
    [{ a: { b: 1 } }, { a: { b: 1, c: 2 }, d: 3 }, true],
    [{ a: { b: 1 } }, { a: { b: '1' } }, false],
    [{ tags: ['billing'] }, { tags: ['vip', 'billing', 'urgent'] }, true],
    [{ tags: ['billing', 'vip'] }, { tags: ['vip', 'billing'] }, false], // in order
    [{ tags: ['vip', 'vip'] }, { tags: ['vip'] }, false], // each element its own
    [{ tags: [] }, { tags: ['x'] }, true],
    [
      { items: [{ id: 2 }] },
      {
        items: [
          { id: 1, n: 'a' },
          { id: 2, n: 'b' },
        ],
      },
      true,
    ],
    [[1, 3], [1, 2, 3], true],
    [{}, 'text', false],
    [{}, null, false],
    [{}, [], false],
    [[], {}, false],
    [null, null, true],
    [null, {}, false],
    [1, 1, true],
    [true, 'true', false],
    ['x', 'x', true],
  ])('%j in %j: %s', (expected, actual, result) => {
    expect(isSubset(expected, actual)).toBe(result);
    expect(subsetDifferences(expected, actual, 'body').length === 0).toBe(result);
  });

  it('treats __proto__, constructor and toString as plain keys', () => {
    const expected = JSON.parse('{"__proto__": {"x": 1}}');
    expect(isSubset(expected, {})).toBe(false);
    expect(isSubset(expected, JSON.parse('{"__proto__": {"x": 1}}'))).toBe(true);
    expect(isSubset({ toString: 'a' }, {})).toBe(false);
    expect(isSubset({ constructor: {} }, { a: 1 })).toBe(false);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('every value contains itself, and anything with more keys still contains it', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.dictionary(fc.string(), fc.jsonValue()), (value, extra) => {
        expect(isSubset(value, value)).toBe(true);
        if (value !== null && typeof value === 'object' && !Array.isArray(value)) expect(isSubset(value, { ...extra, ...value })).toBe(true);
      }),
    );
  });
});

describe('subsetDifferences: what differs, field by field', () => {
  it('names each missing or different field by its path', () => {
    expect(subsetDifferences({ subject: 'Printer on fire', meta: { a: 1, b: 2 }, gone: true }, { subject: 'Printer', meta: { a: 1, b: 3 } }, 'body')).toEqual([
      { field: 'body.subject', expected: 'Printer on fire', actual: 'Printer' },
      { field: 'body.meta.b', expected: 2, actual: 3 },
      { field: 'body.gone', expected: true },
    ]);
  });

  it('points into arrays at the first element not found in order', () => {
    expect(subsetDifferences({ tags: ['a', 'z'] }, { tags: ['a', 'b'] }, 'body')).toEqual([{ field: 'body.tags[1]', expected: 'z', actual: 'b' }]);
    expect(subsetDifferences({ items: [{ id: 1, n: 'x' }] }, { items: [{ id: 1, n: 'y' }] }, 'body')).toEqual([
      { field: 'body.items[0].n', expected: 'x', actual: 'y' },
    ]);
    expect(subsetDifferences({ tags: ['a', 'b'] }, { tags: ['a'] }, 'body')).toEqual([{ field: 'body.tags[1]', expected: 'b' }]);
  });

  it('reports a whole value of the wrong kind', () => {
    expect(subsetDifferences({ a: 1 }, 'text', 'body')).toEqual([{ field: 'body', expected: { a: 1 }, actual: 'text' }]);
    expect(subsetDifferences({ a: 1 }, undefined, 'body')).toEqual([{ field: 'body', expected: { a: 1 } }]);
    expect(subsetDifferences([1], { a: 1 }, 'body')).toEqual([{ field: 'body', expected: [1], actual: { a: 1 } }]);
  });

  it('is linear in the size of the body: 8 KiB of array elements against a long matcher is quick', () => {
    const actual = Array.from({ length: 4000 }, (_, i) => ({ id: i }));
    const expected = Array.from({ length: 4000 }, () => ({ id: -1, other: 'x' }));
    const t0 = performance.now();
    expect(isSubset(expected, actual)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(500);
  });
});
