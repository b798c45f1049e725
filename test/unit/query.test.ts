import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { View } from '../../src/store/collection.js';
import type { Rec } from '../../src/store/types.js';
import { parseInstant } from '../../src/clock.js';
import { intersectUnions, pageEnvelope, paginate, planQuery, searchTerms } from '../../src/resources/query.js';
import { textMatcher } from '../../src/text-match.js';

const rec = (id: string, extra: Record<string, unknown>): Rec => ({ id, created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z', ...extra });

describe('parseInstant', () => {
  it.each([
    ['2026-01-01', '2026-01-01T00:00:00.000Z'],
    ['2026-01-01T10:30:00Z', '2026-01-01T10:30:00.000Z'],
    ['2026-01-01T10:30:00.200Z', '2026-01-01T10:30:00.200Z'],
    ['2026-01-01T12:30:00+02:00', '2026-01-01T10:30:00.000Z'],
  ])('%s → %s', (input, out) => expect(new Date(parseInstant(input)).toISOString()).toBe(out));
});

describe('textMatcher', () => {
  it.each([
    ['*@company.com', 'a@company.com', true],
    ['*@company.com', 'a@company.com.evil', false],
    ['*@COMPANY.com', 'a@company.com', true],
    ['jane*', 'Jane Cooper', true],
    ['*coop*', 'Jane Cooper', true],
    ['a.b', 'axb', false],
    ['(x)*', '(x)yz', true],
    ['exact', 'EXACT', true],
    ['exact', 'exactly', false],
    ['x*', null, false],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'axxbyyc', true],
    ['a*b*c', 'acb', false],
    ['ab*ba', 'aba', false],
    ['*', '', true],
  ])('%s against %s → %s', (pattern, value, expected) => expect(textMatcher(pattern)(typeof value === 'string' ? value.toLowerCase() : value)).toBe(expected));
});

describe('filters over columns (comma lists through the indexes, the rest through buildPredicate)', () => {
  const records = [
    rec('a', { status: 'open', email: 'a@company.com', tags: ['vip'], created_at: '2025-12-31T23:59:59Z' }),
    rec('b', { status: 'closed', email: 'b@example.com', tags: [], created_at: '2026-01-01T00:00:00Z' }),
    rec('c', { status: 'open', email: 'c@company.com', tags: ['bug'], created_at: '2026-02-01T00:00:00Z' }),
  ];
  const view = new View(records);
  const ids = (query: Record<string, unknown>) => {
    const { positions, predicate } = planQuery(
      query,
      view,
      (f) => (f === 'tag' ? 'tags' : f),
      [],
      () => [],
    );
    return paginate(view.records, predicate, 1, 100, positions).items.map((r) => r.id);
  };
  it.each([
    [{}, ['a', 'b', 'c']],
    [{ page: 2, per_page: 10, sort: 'x', order: 'asc', q: 'ignored here' }, ['a', 'b', 'c']],
    [{ status: ['open'] }, ['a', 'c']],
    [{ status: ['open', 'closed'] }, ['a', 'b', 'c']],
    [{ email: '*@company.com' }, ['a', 'c']],
    [{ status: ['open'], email: 'c*' }, ['c']],
    [{ tag: ['vip', 'bug'] }, ['a', 'c']],
    [{ created_after: '2026-01-01' }, ['b', 'c']],
    [{ created_before: '2026-01-01' }, ['a']],
    [{ created_after: '2026-01-01', created_before: '2026-01-31' }, ['b']],
    [{ created_after: '2025-12-31T23:59:59.500Z' }, ['b', 'c']],
    [{ created_before: '2025-12-31T23:59:59.500Z' }, ['a']],
  ])('%j → %j', (query, expected) => expect(ids(query)).toEqual(expected));
});

describe('search', () => {
  it('splits terms on whitespace and lower-cases them', () => {
    expect(searchTerms('  Billing   ISSUE ')).toEqual(['billing', 'issue']);
    expect(searchTerms(undefined)).toEqual([]);
  });
  it('needs every term, each a substring of some word', () => {
    const records = ['a billing issue', 'billing only', 'issue: billing', 'rebilling issues'].map((t, i) => rec(`r${i}`, { t }));
    const view = new View(records);
    const texts = () => view.derived('$search', (r) => String(r.t));
    const { positions } = planQuery({}, view, (f) => f, ['billing', 'issue'], texts);
    expect(positions).toEqual([0, 2, 3]);
    expect(planQuery({}, view, (f) => f, ['ng is'.split(' ')[0]!], texts).positions).toEqual([0, 1, 2, 3]);
  });
});

describe('intersectUnions', () => {
  it('intersects sets, each the union of sorted lists, counting duplicates once', () => {
    expect(
      intersectUnions(
        [
          [
            [0, 2, 4],
            [2, 3],
          ],
          [[2], [4]],
        ],
        6,
      ),
    ).toEqual([2, 4]);
    expect(intersectUnions([[[1, 3]]], 6)).toEqual([1, 3]);
    expect(intersectUnions([[[1, 3]], []], 6)).toEqual([]);
  });
});

describe('planQuery', () => {
  const records = [
    rec('a', { status: 'open', tags: ['vip'], subject: 'Billing' }),
    rec('b', { status: 'closed', tags: ['vip', 'bug'], subject: 'Login' }),
    rec('c', { status: 'open', tags: [], subject: 'billing again' }),
  ];
  const view = new View(records);
  const run = (query: Record<string, unknown>, terms: string[] = []) => {
    const { positions, predicate } = planQuery(
      query,
      view,
      (f) => (f === 'tag' ? 'tags' : f),
      terms,
      () => view.derived('$s', (r) => String(r.subject).toLowerCase()),
    );
    return paginate(records, predicate, 1, 10, positions).items.map((r) => r.id);
  };
  it.each([
    [{ status: ['open'] }, [], ['a', 'c']],
    [{ status: ['open', 'closed'], tag: ['vip'] }, [], ['a', 'b']],
    [{ status: ['open'], subject: 'billing*' }, [], ['a', 'c']],
    [{}, ['billing'], ['a', 'c']],
    [{ tag: ['bug', 'vip'] }, ['login'], ['b']],
    [{ status: ['pending'] }, [], []],
  ])('%j q=%j → %j', (query, terms, expected) => expect(run(query, terms)).toEqual(expected));
});

describe('paginate', () => {
  const records = Array.from({ length: 10 }, (_, i) => rec(`r${i}`, { n: i }));
  it('slices without a predicate', () => {
    expect(paginate(records, undefined, 2, 3)).toEqual({ items: records.slice(3, 6), total: 10 });
  });
  it('counts every match and keeps one page', () => {
    const even = (i: number) => i % 2 === 0;
    const { items, total } = paginate(records, even, 2, 2);
    expect(total).toBe(5);
    expect(items.map((r) => r.id)).toEqual(['r4', 'r6']);
  });
});

describe('pageEnvelope', () => {
  const defaults = { page: 1, per_page: 25, sort: 'created_at', order: 'desc' };

  /** The links written out the plain way: every parameter kept in order, page in its place. */
  function referenceLink(path: string, search: string, n: number): string {
    const enc = (v: string) =>
      encodeURIComponent(v).replace(/%20/g, '+').replace(/%2C/gi, ',').replace(/%3A/gi, ':').replace(/%2A/gi, '*').replace(/%40/gi, '@');
    const parts: string[] = [];
    let pageAt = -1;
    for (const [k, v] of new URLSearchParams(search)) {
      if (k === 'page') {
        if (pageAt < 0) pageAt = parts.length;
        continue;
      }
      if ((defaults as Record<string, unknown>)[k] !== undefined && String((defaults as Record<string, unknown>)[k]) === v) continue;
      parts.push(`${enc(k)}=${enc(v)}`);
    }
    parts.splice(pageAt < 0 ? parts.length : pageAt, 0, `page=${n}`);
    return `${path}?${parts.join('&')}`;
  }

  it('writes every link as the plain way does, whatever the parameters hold', () => {
    const name = fc.constantFrom('status', 'q', 'page', 'sort', 'order', 'per_page', 'tag', 'x y', 'ä');
    const value = fc.oneof(fc.constantFrom('open', 'created_at', 'desc', '25', 'a,b', 'x:y', '*', 'a@b', 'a b', ''), fc.string());
    fc.assert(
      fc.property(fc.array(fc.tuple(name, value), { maxLength: 6 }), fc.integer({ min: 1, max: 9 }), (pairs, page) => {
        const search = new URLSearchParams(pairs).toString();
        const { links } = pageEnvelope('/v1/tickets', search, defaults, page, 25, 200);
        expect(links.first).toBe(referenceLink('/v1/tickets', search, 1));
        expect(links.last).toBe(referenceLink('/v1/tickets', search, 8));
        expect(links.next).toBe(page < 8 ? referenceLink('/v1/tickets', search, page + 1) : null);
      }),
      { numRuns: 2000 },
    );
  });
  it('reproduces the overview', () => {
    expect(pageEnvelope('/v1/conversations', 'page=1&per_page=25', defaults, 1, 25, 250)).toEqual({
      meta: { current_page: 1, per_page: 25, total_pages: 10, total_count: 250 },
      links: { first: '/v1/conversations?page=1', prev: null, next: '/v1/conversations?page=2', last: '/v1/conversations?page=10' },
    });
  });
  it('keeps non-default parameters in request order, page where it was', () => {
    const { links } = pageEnvelope('/v1/contacts', 'sort=name&page=3&order=asc&per_page=10&email=*%40company.com', defaults, 3, 10, 45);
    expect(links).toEqual({
      first: '/v1/contacts?sort=name&page=1&order=asc&per_page=10&email=*@company.com',
      prev: '/v1/contacts?sort=name&page=2&order=asc&per_page=10&email=*@company.com',
      next: '/v1/contacts?sort=name&page=4&order=asc&per_page=10&email=*@company.com',
      last: '/v1/contacts?sort=name&page=5&order=asc&per_page=10&email=*@company.com',
    });
  });
  it('encodes what needs encoding and keeps spaces as +', () => {
    const { links } = pageEnvelope('/v1/tickets', 'q=billing+issue&subject=a%26b', defaults, 1, 25, 1);
    expect(links.first).toBe('/v1/tickets?q=billing+issue&subject=a%26b&page=1');
  });
});
