/**
 * Ascending lists of positions in a view (the records matching one value, one word, one
 * term): the two set operations a list query needs, linear in what they read.
 */

/** Positions in any of the ascending lists, ascending, each once; the one list itself when there is one. */
export function unionOf(lists: readonly (readonly number[])[], size: number): readonly number[] {
  if (lists.length === 0) return [];
  if (lists.length === 1) return lists[0]!;
  const marks = new Uint8Array(size);
  let count = 0;
  for (const list of lists) {
    for (const i of list) {
      if (marks[i] === 0) {
        marks[i] = 1;
        count++;
      }
    }
  }
  const out = new Array<number>(count);
  for (let i = 0, k = 0; k < count; i++) if (marks[i] === 1) out[k++] = i;
  return out;
}

/** Membership bits of each list the intersections have used (lists are never changed once made, so the bits stay true). */
const bitsets = new WeakMap<readonly number[], Uint32Array>();

function bitsetOf(list: readonly number[], size: number): Uint32Array {
  let bits = bitsets.get(list);
  if (!bits || bits.length * 32 < size) {
    bits = new Uint32Array((size + 31) >>> 5);
    for (const i of list) bits[i >>> 5]! |= 1 << (i & 31);
    bitsets.set(list, bits);
  }
  return bits;
}

/**
 * Positions in every list (each ascending), ascending: the shortest list filtered through the
 * membership bits of the others, so the cost is the shortest list's length, whatever the others hold.
 */
export function intersectAll(lists: readonly (readonly number[])[], size: number): readonly number[] {
  if (lists.length === 0) return [];
  const sorted = [...lists].sort((a, b) => a.length - b.length);
  const [base, ...others] = sorted as [readonly number[], ...(readonly number[])[]];
  if (others.length === 0 || base.length === 0) return base;
  let out = base;
  for (const list of others) out = through(out, bitsetOf(list, size));
  return out;
}

/** The positions whose bit is set. */
function through(list: readonly number[], bits: Uint32Array): number[] {
  const out: number[] = [];
  for (let k = 0; k < list.length; k++) {
    const i = list[k]!;
    if ((bits[i >>> 5]! & (1 << (i & 31))) !== 0) out.push(i);
  }
  return out;
}
