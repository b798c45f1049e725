import { describe, expect, it } from 'vitest';
import { Workspace } from '../../src/store/workspace.js';
import { COLLECTIONS, type Rec, type WorkspaceData } from '../../src/store/types.js';
import { activeEndpoint, byCreation, dueAt, earliestDue, nextPending, type Queue } from '../../src/webhooks/queue.js';

const T0 = Date.parse('2026-07-01T12:00:00Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

function workspace(id = 'ws_1'): Workspace {
  const data: WorkspaceData = {
    workspace: { id, name: id, owner_id: 'usr_1', created_at: '2026-07-01T00:00:00Z' },
    seed: 1,
    collections: Object.fromEntries(COLLECTIONS.map((name) => [name, {}])) as WorkspaceData['collections'],
  };
  let n = 0;
  return new Workspace(
    data,
    (prefix) => `${prefix}${++n}`,
    () => undefined,
  );
}

const hook = (ws: Workspace, id: string, active = true): Rec => {
  const h: Rec = { id, url: 'http://127.0.0.1:1/hooks', secret: 'whsec_c2VjcmV0', events: ['*'], active, created_at: at(0), updated_at: at(0) };
  ws.collections.webhooks.put(h);
  return h;
};

const delivery = (ws: Workspace, id: string, over: Partial<Rec> = {}): Rec => {
  const d: Rec = {
    id,
    webhook_id: 'wh_1',
    event_id: `evt_${id}`,
    event: 'ticket.created',
    status: 'pending',
    attempts: 0,
    response_status: null,
    error: null,
    next_attempt_at: at(0),
    payload: { id: `evt_${id}` },
    history: [],
    created_at: '2026-07-01T12:00:00Z',
    updated_at: '2026-07-01T12:00:00Z',
    ...over,
  };
  ws.collections.deliveries.put(d);
  return d;
};

const queue = (ws: Workspace, ids: string[], pausedUntil = 0): Queue => ({ ws, ids: [...ids], pausedUntil });

describe('byCreation', () => {
  const rec = (id: string, created_at: string): Rec => ({ id, created_at, updated_at: created_at });

  it('puts the older record first, whatever the ids', () => {
    const older = rec('dlv_z', '2026-07-01T12:00:00Z');
    const newer = rec('dlv_a', '2026-07-01T12:00:01Z');
    expect(byCreation(older, newer)).toBeLessThan(0);
    expect(byCreation(newer, older)).toBeGreaterThan(0);
  });

  it('breaks ties of the same instant by id, in both argument orders', () => {
    const a = rec('dlv_a', '2026-07-01T12:00:00Z');
    const b = rec('dlv_b', '2026-07-01T12:00:00Z');
    expect(byCreation(a, b)).toBeLessThan(0);
    expect(byCreation(b, a)).toBeGreaterThan(0);
  });

  it('sorts any shuffle of the same records into one order', () => {
    const records = [
      rec('dlv_c', '2026-07-01T12:00:01Z'),
      rec('dlv_b', '2026-07-01T12:00:00Z'),
      rec('dlv_a', '2026-07-01T12:00:01Z'),
      rec('dlv_d', '2026-06-30T23:59:59Z'),
      rec('dlv_e', '2026-07-01T12:00:00Z'),
    ];
    const expected = ['dlv_d', 'dlv_b', 'dlv_e', 'dlv_a', 'dlv_c'];
    for (const order of [records, [...records].reverse(), [records[2]!, records[4]!, records[0]!, records[3]!, records[1]!]]) {
      expect([...order].sort(byCreation).map((r) => r.id)).toEqual(expected);
    }
  });

  // Every record the mock writes has whole seconds, but a restored snapshot (Timestamp is
  // `format: date-time`) may hold fractional seconds, and '...:00.500Z' < '...:00Z' as strings.
  it('orders instants, not spellings: a fractional second sorts after the whole second before it', () => {
    const whole = rec('dlv_b', '2026-07-01T12:00:00Z');
    const later = rec('dlv_a', '2026-07-01T12:00:00.500Z');
    expect([later, whole].sort(byCreation).map((r) => r.id)).toEqual(['dlv_b', 'dlv_a']);
  });
});

describe('nextPending', () => {
  it('returns the pending head and leaves the queue as it was', () => {
    const ws = workspace();
    const d1 = delivery(ws, 'dlv_1');
    delivery(ws, 'dlv_2');
    const q = queue(ws, ['dlv_1', 'dlv_2']);
    expect(nextPending(q)).toBe(d1);
    expect(nextPending(q)).toBe(d1);
    expect(q.ids).toEqual(['dlv_1', 'dlv_2']);
  });

  it("follows the queue order, not the records' timestamps", () => {
    const ws = workspace();
    delivery(ws, 'dlv_1', { created_at: '2026-07-01T12:00:05Z', next_attempt_at: at(5_000) });
    delivery(ws, 'dlv_2', { created_at: '2026-07-01T12:00:00Z', next_attempt_at: at(0) });
    expect(nextPending(queue(ws, ['dlv_1', 'dlv_2']))?.id).toBe('dlv_1');
  });

  it('drops head ids that are no longer pending (succeeded, failed, or gone) and returns the first pending one', () => {
    const ws = workspace();
    delivery(ws, 'dlv_1', { status: 'succeeded', next_attempt_at: null });
    delivery(ws, 'dlv_2', { status: 'failed', next_attempt_at: null });
    const d4 = delivery(ws, 'dlv_4');
    delivery(ws, 'dlv_5', { status: 'succeeded', next_attempt_at: null });
    const q = queue(ws, ['dlv_1', 'dlv_2', 'dlv_3_removed', 'dlv_4', 'dlv_5']);
    expect(nextPending(q)).toBe(d4);
    expect(q.ids).toEqual(['dlv_4', 'dlv_5']);
  });

  it('sees a delivery that ended or was removed since it was queued', () => {
    const ws = workspace();
    const d1 = delivery(ws, 'dlv_1');
    delivery(ws, 'dlv_2');
    const q = queue(ws, ['dlv_1', 'dlv_2']);
    expect(nextPending(q)?.id).toBe('dlv_1');
    ws.collections.deliveries.put({ ...d1, status: 'succeeded', next_attempt_at: null });
    expect(nextPending(q)?.id).toBe('dlv_2');
    ws.collections.deliveries.remove('dlv_2');
    expect(nextPending(q)).toBeUndefined();
    expect(q.ids).toEqual([]);
  });

  it("reads the queue's own workspace only", () => {
    const ws = workspace('ws_1');
    const other = workspace('ws_2');
    delivery(other, 'dlv_1');
    const q = queue(ws, ['dlv_1']);
    expect(nextPending(q)).toBeUndefined();
    expect(q.ids).toEqual([]);
  });

  it('an empty queue has no head', () => {
    expect(nextPending(queue(workspace(), []))).toBeUndefined();
  });
});

describe('activeEndpoint', () => {
  it('the subscription of an active endpoint', () => {
    const ws = workspace();
    const h = hook(ws, 'wh_1');
    const d = delivery(ws, 'dlv_1');
    expect(activeEndpoint(queue(ws, ['dlv_1']), d)).toBe(h);
  });

  it("the delivery's own subscription, not another one", () => {
    const ws = workspace();
    hook(ws, 'wh_1', false);
    const h2 = hook(ws, 'wh_2');
    const d = delivery(ws, 'dlv_1', { webhook_id: 'wh_2' });
    expect(activeEndpoint(queue(ws, ['dlv_1']), d)).toBe(h2);
  });

  it('nothing once the endpoint is disabled', () => {
    const ws = workspace();
    const h = hook(ws, 'wh_1');
    const d = delivery(ws, 'dlv_1');
    const q = queue(ws, ['dlv_1']);
    ws.collections.webhooks.put({ ...h, active: false });
    expect(activeEndpoint(q, d)).toBeUndefined();
  });

  it('nothing once the endpoint is deleted', () => {
    const ws = workspace();
    hook(ws, 'wh_1');
    const d = delivery(ws, 'dlv_1');
    const q = queue(ws, ['dlv_1']);
    ws.collections.webhooks.remove('wh_1');
    expect(activeEndpoint(q, d)).toBeUndefined();
  });

  it("looks in the queue's workspace, not another that holds the same id", () => {
    const ws = workspace('ws_1');
    const other = workspace('ws_2');
    hook(other, 'wh_1');
    const d = delivery(ws, 'dlv_1');
    expect(activeEndpoint(queue(ws, ['dlv_1']), d)).toBeUndefined();
  });
});

describe('dueAt', () => {
  it('is next_attempt_at in ms since the epoch, with or without milliseconds', () => {
    const ws = workspace();
    expect(dueAt(delivery(ws, 'dlv_1', { next_attempt_at: '2026-07-01T12:00:01.250Z' }))).toBe(T0 + 1_250);
    expect(dueAt(delivery(ws, 'dlv_2', { next_attempt_at: '2026-07-01T12:00:00Z' }))).toBe(T0);
  });
});

describe('earliestDue', () => {
  it('is Infinity with no queues, or only empty ones', () => {
    expect(earliestDue([])).toBe(Infinity);
    expect(earliestDue([queue(workspace(), [])])).toBe(Infinity);
  });

  it('is the earliest head among the queues, on the mock clock', () => {
    const ws = workspace();
    hook(ws, 'wh_1');
    hook(ws, 'wh_2');
    hook(ws, 'wh_3');
    delivery(ws, 'dlv_1', { webhook_id: 'wh_1', next_attempt_at: at(30_000) });
    delivery(ws, 'dlv_2', { webhook_id: 'wh_2', next_attempt_at: at(1_000) });
    delivery(ws, 'dlv_3', { webhook_id: 'wh_3', next_attempt_at: at(5_000) });
    const queues = new Map([
      ['a', queue(ws, ['dlv_1'])],
      ['b', queue(ws, ['dlv_2'])],
      ['c', queue(ws, ['dlv_3'])],
    ]);
    expect(earliestDue(queues.values())).toBe(T0 + 1_000);
  });

  it('counts only the head of each queue', () => {
    const ws = workspace();
    hook(ws, 'wh_1');
    delivery(ws, 'dlv_1', { next_attempt_at: at(30_000) });
    delivery(ws, 'dlv_2', { next_attempt_at: at(1_000) });
    expect(earliestDue([queue(ws, ['dlv_1', 'dlv_2'])])).toBe(T0 + 30_000);
  });

  it('includes a paused queue (its head is still due)', () => {
    const ws = workspace();
    hook(ws, 'wh_1');
    hook(ws, 'wh_2');
    delivery(ws, 'dlv_1', { webhook_id: 'wh_1', next_attempt_at: at(-2_000) });
    delivery(ws, 'dlv_2', { webhook_id: 'wh_2', next_attempt_at: at(0) });
    const paused = queue(ws, ['dlv_1'], Number.MAX_SAFE_INTEGER);
    expect(earliestDue([queue(ws, ['dlv_2']), paused])).toBe(T0 - 2_000);
    expect(earliestDue([paused])).toBe(T0 - 2_000);
  });

  it('skips queues whose head goes to a disabled or deleted endpoint', () => {
    const ws = workspace();
    hook(ws, 'wh_live');
    hook(ws, 'wh_off', false);
    delivery(ws, 'dlv_1', { webhook_id: 'wh_off', next_attempt_at: at(0) });
    delivery(ws, 'dlv_2', { webhook_id: 'wh_gone', next_attempt_at: at(1_000) });
    delivery(ws, 'dlv_3', { webhook_id: 'wh_live', next_attempt_at: at(9_000) });
    const off = queue(ws, ['dlv_1']);
    const gone = queue(ws, ['dlv_2']);
    expect(earliestDue([off, gone, queue(ws, ['dlv_3'])])).toBe(T0 + 9_000);
    expect(earliestDue([off, gone])).toBe(Infinity);
    // Skipped, not dropped: the delivery goes out if the endpoint is enabled again.
    expect(off.ids).toEqual(['dlv_1']);
  });

  it('looks past deliveries that are no longer pending, dropping them', () => {
    const ws = workspace();
    hook(ws, 'wh_1');
    delivery(ws, 'dlv_1', { status: 'succeeded', next_attempt_at: null });
    delivery(ws, 'dlv_2', { status: 'failed', next_attempt_at: null });
    delivery(ws, 'dlv_3', { next_attempt_at: at(7_000) });
    const q = queue(ws, ['dlv_1', 'dlv_gone', 'dlv_2', 'dlv_3']);
    expect(earliestDue([q])).toBe(T0 + 7_000);
    expect(q.ids).toEqual(['dlv_3']);
  });

  it('is Infinity once every delivery has ended', () => {
    const ws = workspace();
    hook(ws, 'wh_1');
    delivery(ws, 'dlv_1', { status: 'succeeded', next_attempt_at: null });
    expect(earliestDue([queue(ws, ['dlv_1'])])).toBe(Infinity);
  });

  it('ties: two heads due at the same instant give that instant', () => {
    const ws = workspace();
    hook(ws, 'wh_1');
    hook(ws, 'wh_2');
    delivery(ws, 'dlv_1', { webhook_id: 'wh_1', next_attempt_at: at(4_000) });
    delivery(ws, 'dlv_2', { webhook_id: 'wh_2', next_attempt_at: at(4_000) });
    expect(earliestDue([queue(ws, ['dlv_1']), queue(ws, ['dlv_2'])])).toBe(T0 + 4_000);
  });

  // The Delivery schema allows next_attempt_at: null, so a restored snapshot may hold a pending one
  // without it: it is due now (as Dispatcher.drain treats it), never NaN (flush would advance by NaN).
  it("a pending head without next_attempt_at does not hide the other queues' due times", () => {
    const ws = workspace();
    hook(ws, 'wh_1');
    hook(ws, 'wh_2');
    delivery(ws, 'dlv_1', { webhook_id: 'wh_1', next_attempt_at: null });
    delivery(ws, 'dlv_2', { webhook_id: 'wh_2', next_attempt_at: at(3_000) });
    const due = earliestDue([queue(ws, ['dlv_2']), queue(ws, ['dlv_1'])]);
    expect(due).not.toBeNaN();
    expect(due).toBeLessThanOrEqual(T0 + 3_000);
  });
});
