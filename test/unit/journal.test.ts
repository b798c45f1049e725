import { describe, expect, it } from 'vitest';
import { Journal, type RawEntry } from '../../src/middleware/journal-log.js';

const raw = (n: number): RawEntry => ({
  at: Date.parse('2026-01-01T00:00:00Z') + n,
  method: 'GET',
  url: `http://localhost/v1/r${n}`,
  headers: {},
  body: null,
  bodySize: 0,
  bodyTruncated: false,
  status: 200,
  duration: 1,
  workspace: 'ws_456',
});
const limits = (entries: number, bytes = 1 << 20) => ({ entries, bytes });

describe('Journal', () => {
  it('keeps only the newest entries up to its capacity', () => {
    const j = new Journal(limits(3));
    for (let i = 1; i <= 5; i++) j.record(raw(i));
    expect(j.list().map((e) => e.path)).toEqual(['/v1/r5', '/v1/r4', '/v1/r3']);
    expect(j.list().map((e) => e.id)).toEqual(['req_5', 'req_4', 'req_3']);
  });

  it('redacts the credential and parses JSON bodies', () => {
    const j = new Journal(limits(10));
    j.record({ ...raw(1), headers: { authorization: 'Bearer sk_live_abcdefghijkl' }, body: '{"a":1}', bodySize: 7 });
    j.record({ ...raw(2), body: 'not json', bodySize: 8 });
    const [second, first] = j.list();
    expect(first!.headers.authorization).toBe('Bearer sk_live_abcd…');
    expect(first!.body).toEqual({ a: 1 });
    expect(second!.body).toBe('not json');
  });

  it('drops the oldest entries once the byte budget is spent, whatever the count', () => {
    const j = new Journal(limits(1000, 10_000));
    for (let i = 1; i <= 50; i++) j.record({ ...raw(i), body: 'b'.repeat(1000), bodySize: 1000 });
    expect(j.bytes).toBeLessThanOrEqual(10_000);
    const kept = j.list({ limit: 1000 }).map((e) => e.id);
    expect(kept.length).toBeLessThan(11);
    expect(kept[0]).toBe('req_50');
    j.clear('ws_456');
    expect(j.size).toBe(0);
    expect(j.bytes).toBe(0);
  });
});
