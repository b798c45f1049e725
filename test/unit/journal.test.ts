import { describe, expect, it } from 'vitest';
import { Journal } from '../../src/middleware/journal.js';

const raw = (n: number) => ({
  seq: 0,
  at: Date.parse('2026-01-01T00:00:00Z') + n, method: 'GET', url: `http://localhost/v1/r${n}`, headers: {}, body: null,
  status: 200, duration: 1, workspace: 'ws_456',
});

describe('Journal', () => {
  it('keeps only the newest entries up to its capacity', () => {
    const j = new Journal(3);
    for (let i = 1; i <= 5; i++) j.record(raw(i));
    expect(j.list().map((e) => e.path)).toEqual(['/v1/r5', '/v1/r4', '/v1/r3']);
    expect(j.list().map((e) => e.id)).toEqual(['req_5', 'req_4', 'req_3']);
  });

  it('redacts the credential and parses JSON bodies', () => {
    const j = new Journal(10);
    j.record({ ...raw(1), headers: { authorization: 'Bearer sk_live_abcdefghijkl' }, body: '{"a":1}' });
    j.record({ ...raw(2), body: 'not json' });
    const [second, first] = j.list();
    expect(first!.headers.authorization).toBe('Bearer sk_live_abcd…');
    expect(first!.body).toEqual({ a: 1 });
    expect(second!.body).toBe('not json');
  });
});
