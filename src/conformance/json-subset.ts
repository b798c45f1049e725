/** One way a value differs from what was expected; `actual` is absent when nothing was there. */
export interface Difference {
  field: string;
  expected: unknown;
  actual?: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `body` + `subject` → `body.subject`; `body.tags` + 0 → `body.tags[0]`. */
const child = (field: string, key: string | number) => (typeof key === 'number' ? `${field}[${key}]` : `${field}.${key}`);

/**
 * Whether `actual` contains `expected` as a JSON subset: an object matches any object holding
 * each of its keys with a matching value (other keys allowed); an array matches any array in
 * which its elements appear in the same order (other elements allowed between them); anything
 * else must be equal. Linear in the size of `actual` (each element is tried at most once).
 */
export function isSubset(expected: unknown, actual: unknown): boolean {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return false;
    let j = 0;
    for (const wanted of expected) {
      while (j < actual.length && !isSubset(wanted, actual[j])) j++;
      if (j === actual.length) return false;
      j++;
    }
    return true;
  }
  if (isObject(expected)) {
    if (!isObject(actual)) return false;
    for (const key of Object.keys(expected)) {
      if (!Object.hasOwn(actual, key) || !isSubset(expected[key], actual[key])) return false;
    }
    return true;
  }
  return expected === actual;
}

/**
 * What keeps `actual` from containing `expected`, field by field (empty when it does): a missing
 * or different value at its path, or, in an array, the first expected element not found in order.
 */
export function subsetDifferences(expected: unknown, actual: unknown, field: string, out: Difference[] = []): Difference[] {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) {
      out.push({ field, expected, actual });
      return out;
    }
    let j = 0;
    for (const [i, wanted] of expected.entries()) {
      while (j < actual.length && !isSubset(wanted, actual[j])) j++;
      if (j === actual.length) {
        // The element expected here: the one at the same place, when there is one, says how it differs.
        const there = actual[i];
        if (there !== undefined && (isObject(wanted) || Array.isArray(wanted))) subsetDifferences(wanted, there, child(field, i), out);
        else out.push({ field: child(field, i), expected: wanted, ...(there === undefined ? {} : { actual: there }) });
        return out;
      }
      j++;
    }
    return out;
  }
  if (isObject(expected)) {
    if (!isObject(actual)) {
      out.push({ field, expected, ...(actual === undefined ? {} : { actual }) });
      return out;
    }
    for (const key of Object.keys(expected)) {
      if (!Object.hasOwn(actual, key)) out.push({ field: child(field, key), expected: expected[key] });
      else if (!isSubset(expected[key], actual[key])) subsetDifferences(expected[key], actual[key], child(field, key), out);
    }
    return out;
  }
  if (expected !== actual) out.push({ field, expected, ...(actual === undefined ? {} : { actual }) });
  return out;
}
