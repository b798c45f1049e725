import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toIso } from '../../src/clock.js';

const reference = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

describe('toIso', () => {
  it('writes whole seconds in UTC as Date#toISOString does, for every instant JavaScript can hold', () => {
    fc.assert(
      fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => {
        expect(toIso(ms)).toBe(reference(ms));
      }),
      { numRuns: 20_000 },
    );
  });

  it.each([0, 999, 1000, 86_399_999, 86_400_000, 951_782_400_000, 253_402_300_799_999, 253_402_300_800_000, -1, -86_400_001, 1.5, 1_782_907_200_000.7])(
    'agrees at the edges: %d',
    (ms) => {
      expect(toIso(ms)).toBe(reference(ms));
    },
  );

  it('refuses what is not an instant, as Date does', () => {
    expect(() => toIso(Number.NaN)).toThrow(RangeError);
    expect(() => toIso(8.64e15 + 1)).toThrow(RangeError);
  });
});
