import { ApiError } from '../errors.js';
import { LIMITS } from '../limits.js';
import type { Tap } from '../middleware/scenario-tap.js';
import { textMatcher } from '../text-match.js';
import { targetOf } from './attempts.js';
import type { Arm, Check } from './context.js';

/** A list request as the tap saw it, and what its page said comes next. */
interface Seen {
  target: string;
  status: number;
  perPage: number | undefined;
  next: string | null;
  page: number;
  totalPages: number;
}

interface Walk {
  path: string;
  pages: Seen[];
  /** Requests of the walk that were not the links.next of the page before, with the link they should have followed. */
  unlinked: { seen: Seen; expected: string | null }[];
  repeated: Seen[];
}

const MAX_PER_PAGE = 100;

function split(target: string): { path: string; query: URLSearchParams } {
  const q = target.indexOf('?');
  return { path: q < 0 ? target : target.slice(0, q), query: new URLSearchParams(q < 0 ? '' : target.slice(q + 1)) };
}

/** One spelling of a URL: its parameters decoded and encoded again, in their order. */
function normal(target: string): string {
  const { path, query } = split(target);
  const search = query.toString();
  return search ? `${path}?${search}` : path;
}

/** The list a request pages through: its path and every parameter but `page` and `per_page`. */
function walkKey(target: string): string {
  const { path, query } = split(target);
  query.delete('page');
  query.delete('per_page');
  query.sort();
  return `${path}?${query.toString()}`;
}

/**
 * `pagination`: injects nothing. Its tap notes each list request of the workspace (at `path`, if
 * given) with the `links.next` and `meta` its answer carried; a walk is the pages of one list
 * (the same path and filters) from its first page on.
 */
export const armPagination: Arm = (ctx, { workspaceId, options }) => {
  const only = typeof options.path === 'string' ? textMatcher(options.path) : undefined;
  const seen: Seen[] = [];
  let overflow: 'count' | 'bytes' | undefined;
  let taken = 0;
  const note = (s: Seen) => {
    // A note holds two URLs (the request's and its links.next) and a few numbers.
    const bytes = 2 * s.target.length + 64;
    if (seen.length >= LIMITS.scenarioObservations) overflow ??= 'count';
    else if (!ctx.notes.take(bytes)) overflow ??= 'bytes';
    else {
      taken += bytes;
      seen.push(s);
    }
  };
  const tap: Tap = async (c, next) => {
    if (c.req.method !== 'GET' || !c.get('op').query.has('page') || (only && !only(c.req.path.toLowerCase()))) return next();
    const target = targetOf(c.req.url);
    const asked = split(target).query.get('per_page');
    const perPage = asked !== null && /^\d{1,15}$/.test(asked) ? Number(asked) : undefined;
    const base = { target, perPage, next: null, page: 0, totalPages: 0 };
    try {
      await next();
    } catch (err) {
      note({ ...base, status: err instanceof ApiError ? err.status : 500 });
      throw err;
    }
    if (c.res.status !== 200) return note({ ...base, status: c.res.status });
    const body = (await c.res
      .clone()
      .json()
      .catch(() => null)) as { links?: { next?: string | null }; meta?: { current_page?: number; total_pages?: number } } | null;
    note({ ...base, status: 200, next: body?.links?.next ?? null, page: body?.meta?.current_page ?? 0, totalPages: body?.meta?.total_pages ?? 0 });
  };
  ctx.taps.set(workspaceId, tap);

  return {
    stop: () => {
      ctx.taps.delete(workspaceId, tap);
      ctx.notes.give(taken);
      taken = 0;
    },
    grade() {
      const tooMany = seen.filter((s) => s.perPage !== undefined && s.perPage > MAX_PER_PAGE);
      const walks = walksOf(seen.filter((s) => s.status === 200));
      if (walks.length === 0 && tooMany.length === 0) return { pending: true, checks: [] };
      const checks: Check[] = [
        {
          name: 'per-page-max',
          passed: tooMany.length === 0,
          detail: tooMany.length
            ? `GET ${tooMany[0]!.target} asked for ${tooMany[0]!.perPage} per page (answered ${tooMany[0]!.status}): the maximum is ${MAX_PER_PAGE}; ask for at most that and follow links.next for the rest.`
            : `No request asked for more than ${MAX_PER_PAGE} per page.`,
        },
        followedLinks(walks),
        everyPageOnce(walks),
        reachedEnd(walks),
      ];
      if (overflow) {
        checks.push({
          name: 'observed-all',
          passed: false,
          detail:
            overflow === 'count'
              ? `More than ${LIMITS.scenarioObservations.toLocaleString('en-US')} list requests were made since the scenario was armed: only the first ones were graded. Arm it again before a shorter run.`
              : `The armed scenarios' notes reached ${LIMITS.scenarioObservationBytes / 1024 / 1024} MiB, so the later list requests were not graded: arm fewer at once, or end some (arming another in a workspace ends its scenario).`,
        });
      }
      return { pending: false, checks };
    },
  };
};

function walksOf(pages: Seen[]): Walk[] {
  const walks: Walk[] = [];
  const current = new Map<string, Walk>();
  for (const s of pages) {
    const key = walkKey(s.target);
    let walk = current.get(key);
    if (!walk || s.page === 1) {
      walk = { path: split(s.target).path, pages: [], unlinked: [], repeated: [] };
      walks.push(walk);
      current.set(key, walk);
      if (s.page !== 1) walk.unlinked.push({ seen: s, expected: null });
    } else {
      const last = walk.pages.at(-1)!;
      if (last.next === null || normal(s.target) !== normal(last.next)) walk.unlinked.push({ seen: s, expected: last.next });
      if (walk.pages.some((p) => p.page === s.page)) walk.repeated.push(s);
    }
    walk.pages.push(s);
  }
  return walks;
}

function followedLinks(walks: Walk[]): Check {
  const bad = walks.find((w) => w.unlinked.length > 0);
  if (!bad) {
    const followed = walks.reduce((n, w) => n + w.pages.length - 1, 0);
    return { name: 'followed-links', passed: true, detail: `Every page after the first (${followed} in all) was the links.next of the page before.` };
  }
  const { seen, expected } = bad.unlinked[0]!;
  const why =
    expected === null && seen.page !== 1
      ? bad.pages[0] === seen
        ? `began a walk at page ${seen.page}: start at the first page and follow links.next`
        : 'came after the last page (its links.next was null): stop when links.next is null'
      : `was not the links.next of the page before (${expected}): request links.next exactly as given instead of building page URLs`;
  return { name: 'followed-links', passed: false, detail: `GET ${seen.target} ${why}.` };
}

function everyPageOnce(walks: Walk[]): Check {
  const bad = walks.find((w) => w.repeated.length > 0);
  if (!bad) return { name: 'every-page-once', passed: true, detail: 'No page of a walk was fetched twice.' };
  const page = bad.repeated[0]!.page;
  const count = bad.pages.filter((p) => p.page === page).length;
  return {
    name: 'every-page-once',
    passed: false,
    detail: `Page ${page} of ${bad.path} was fetched ${count} times in one walk: fetch each page once, moving on through links.next.`,
  };
}

function reachedEnd(walks: Walk[]): Check {
  if (walks.length === 0) return { name: 'reached-end', passed: true, detail: 'No list request was answered 200: there was no walk to finish.' };
  const short = walks.find((w) => w.pages.at(-1)!.next !== null);
  if (!short) {
    const described = walks.map((w) => `${w.path} (${w.pages.length} page${w.pages.length === 1 ? '' : 's'})`).join(', ');
    return { name: 'reached-end', passed: true, detail: `Every walk reached the page whose links.next is null: ${described}.` };
  }
  const last = short.pages.at(-1)!;
  return {
    name: 'reached-end',
    passed: false,
    detail: `The walk of ${short.path} stopped at page ${last.page} of ${last.totalPages} (its links.next was ${last.next}): keep requesting links.next until it is null.`,
  };
}
