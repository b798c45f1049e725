/**
 * Record ids like `ticket_k3j9x0q2mz`, from a per-workspace counter through a keyed
 * permutation of the 36^10 possible suffixes: they look random and repeat run to run for
 * the same seed and workspace, and no two counter values ever give the same suffix, so
 * an id is never handed out twice while the counter only grows.
 */
const SPACE = 36 ** 10;
const HALF = 2 ** 26;
const ROUNDS = 4;

function mix(x: number, key: number): number {
  let h = Math.imul(x ^ key, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % HALF;
}

/** FNV-1a of a string: a stable 32-bit number. */
export function hash32(text: string, start = 0x811c9dc5): number {
  let h = start >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** A bijection of [0, 2^52): a balanced Feistel network with 26-bit halves. */
function permute(n: number, keys: readonly number[]): number {
  let left = Math.floor(n / HALF);
  let right = n % HALF;
  for (const key of keys) [left, right] = [right, (left ^ mix(right, key)) >>> 0];
  return left * HALF + right;
}

/** The suffix of the n-th id (n ≥ 0) for a seed and workspace: 10 characters of [0-9a-z]. */
export function idSuffixes(seed: number, workspaceId: string): (n: number) => string {
  const base = hash32(workspaceId, hash32(String(seed)));
  const keys = Array.from({ length: ROUNDS }, (_, i) => hash32(`round${i}`, base));
  return (n) => {
    // Cycle-walking keeps the permutation inside [0, 36^10) (36^10 < 2^52).
    let x = permute(n, keys);
    while (x >= SPACE) x = permute(x, keys);
    return x.toString(36).padStart(10, '0');
  };
}
