/**
 * Did-you-mean: the nearest valid name to a mistyped one, by edit distance (Damerau's optimal
 * string alignment: an insertion, a deletion, a substitution or two swapped neighbours each count 1),
 * compared case-insensitively.
 */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i]!;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, rows[i - 2]![j - 2]! + 1);
    }
  }
  return rows[a.length]![b.length]!;
}

/** Longest input compared (longer ones are no typo of a short name, and the table is O(n·m)). */
const MAX_LENGTH = 64;

/**
 * How far a typo may be from what was meant: at most 2 edits, and at most a third of the typed
 * length (so `q` never "means" `x`), but a difference of case alone always counts.
 */
function closeEnough(typed: string, distance: number): boolean {
  return distance <= Math.min(2, Math.floor(typed.length / 3));
}

/** The candidate nearest to `typed`, when it is close enough to be a typo of it (never `typed` itself). */
export function nearest(typed: string, candidates: Iterable<string>): string | undefined {
  if (typed.length === 0 || typed.length > MAX_LENGTH) return undefined;
  const lower = typed.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    if (name === typed || Math.abs(name.length - typed.length) > 2) continue;
    const distance = editDistance(lower, name.toLowerCase());
    if (closeEnough(typed, distance) && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/** ` Did you mean 'status'?`, or nothing when no candidate is close. */
export function didYouMean(typed: string, candidates: Iterable<string>): string {
  const name = nearest(typed, candidates);
  return name === undefined ? '' : ` Did you mean '${name}'?`;
}

/**
 * The route nearest to an unknown path, with the request's own values in its parameters:
 * `/v1/ticket/ticket_123` → `/v1/tickets/ticket_123`. Only templates of the same depth are
 * compared, segment by segment (a `{param}` takes any value); a path that differs only by an
 * empty segment (`/v1/tickets/`) gets the one without it.
 */
export function nearestPath(path: string, templates: Iterable<string>): string | undefined {
  const given = path.split('/').filter(Boolean);
  let best: { path: string; distance: number } | undefined;
  for (const template of templates) {
    const parts = template.split('/').filter(Boolean);
    if (parts.length !== given.length) continue;
    let distance = 0;
    const filled: string[] = [];
    for (let i = 0; i < parts.length && distance <= 2; i++) {
      const part = parts[i]!;
      const seg = given[i]!;
      if (/^\{[^}]+\}$/.test(part)) {
        filled.push(seg);
        continue;
      }
      filled.push(part);
      if (part === seg) continue;
      // Lengths more than 2 apart are never close (and not worth a table).
      const d = Math.abs(seg.length - part.length) > 2 ? Number.POSITIVE_INFINITY : editDistance(seg.toLowerCase(), part.toLowerCase());
      if (!closeEnough(seg, d)) distance = Number.POSITIVE_INFINITY;
      else distance += Math.max(d, 1);
    }
    const candidate = `/${filled.join('/')}`;
    if (candidate === path || distance > 2) continue;
    if (!best || distance < best.distance) best = { path: candidate, distance };
  }
  return best?.path;
}
