import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { harness, type Harness } from '../helpers/harness.js';
import { startReceiver } from '../helpers/receiver.js';

interface Gated {
  h: Harness;
  /** Lets every waiting write through. */
  open: () => void;
  /** Fails every waiting write, as a full disk would. */
  fail: () => void;
  /** Resolves once `n` writes are waiting. */
  until: (n: number) => Promise<void>;
}

/** A harness with --data whose file writes wait until the test lets them through. */
async function gated(): Promise<Gated> {
  const h = await harness({ data: join(mkdtempSync(join(tmpdir(), 'cfm-races-')), 'state.json') });
  const waiting: { resolve: () => void; reject: (e: Error) => void }[] = [];
  const adapter = (h.deps.store as unknown as { db: { adapter: { write: () => Promise<void> } } }).db.adapter;
  adapter.write = () => new Promise<void>((resolve, reject) => waiting.push({ resolve, reject }));
  const until = (n: number) => vi.waitUntil(() => waiting.length >= n, { timeout: 5000, interval: 1 }).then(() => undefined);
  return {
    h,
    open: () => {
      for (const w of waiting.splice(0)) w.resolve();
    },
    fail: () => {
      for (const w of waiting.splice(0)) w.reject(Object.assign(new Error('no space'), { code: 'ENOSPC' }));
    },
    until,
  };
}

describe('with --data, a change is visible only once it is saved', () => {
  it('readers and the webhook sender see nothing of a write still being saved, or of one that failed', async () => {
    const receiver = await startReceiver();
    try {
      const g = await gated();
      const { h } = g;
      const hook = h.call('POST', '/v1/webhooks', { body: { url: receiver.url, events: ['ticket.created'] } });
      await g.until(1);
      g.open();
      expect((await hook).status).toBe(201);
      const before = (await h.get('/v1/tickets?per_page=1')).body.meta.total_count;
      const write = h.call('POST', '/v1/tickets', { body: { subject: 'Phantom?' } });
      await g.until(1);
      expect((await h.get('/v1/tickets?per_page=1')).body.meta.total_count).toBe(before);
      await h.call('POST', '/_mock/webhooks/flush', { key: null, body: { timeout_ms: 200 } });
      expect(receiver.received).toHaveLength(0);
      g.fail();
      expect((await write).body.error.code).toBe('storage_error');
      await h.call('POST', '/_mock/webhooks/flush', { key: null, body: { timeout_ms: 200 } });
      expect(receiver.received).toHaveLength(0);
      expect((await h.get('/v1/tickets?per_page=1')).body.meta.total_count).toBe(before);
    } finally {
      await receiver.close();
    }
  });

  it('a write queued behind a workspace deletion is refused, not lost', async () => {
    const g = await gated();
    const { h } = g;
    const make = h.call('POST', '/_mock/workspaces', { key: null, body: { fixtures: 'empty' } });
    await g.until(1);
    g.open();
    const ws = (await make).body.data;
    const blocker = h.call('POST', '/v1/tickets', { body: { subject: 'first' } });
    await g.until(1);
    const transactions = vi.spyOn(h.deps.store, 'transaction');
    const deletion = h.call('DELETE', `/_mock/workspaces/${ws.workspace.id}`, { key: null });
    const late = h.call('POST', '/v1/tickets', { key: ws.api_key, body: { subject: 'late' } });
    const orphan = h.call('POST', '/_mock/api-keys', { key: null, body: { workspace_id: ws.workspace.id } });
    // All three are queued behind the blocked write (each request is one transaction).
    await vi.waitUntil(() => transactions.mock.calls.length === 3, { timeout: 5000, interval: 1 });
    g.open(); // the blocker's write lands
    await g.until(1); // the deletion's write; the two behind it find no workspace and write nothing
    g.open();
    expect((await blocker).status).toBe(201);
    expect((await deletion).status).toBe(204);
    expect((await late).status).toBe(404);
    expect((await orphan).status).toBe(422);
    expect((await h.get(`/_mock/api-keys?workspace_id=${ws.workspace.id}`, { key: null })).body.data).toEqual([]);
    const state = await h.get('/_mock/state', { key: null });
    expect(state.status).toBe(200);
  });
});

describe('a partial restore', () => {
  it('may not bring a key that collides with one the server keeps', async () => {
    const h = await harness();
    const ws = (await h.call('POST', '/_mock/workspaces', { key: null, body: { fixtures: 'empty' } })).body.data;
    const snap = (await h.get(`/_mock/state?workspace_id=${ws.workspace.id}`, { key: null })).body;
    snap.apiKeys[0].key = 'sk_test_commflow';
    const res = await h.call('PUT', '/_mock/state?scope=workspaces', { key: null, body: snap });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_snapshot');
    expect((await h.get('/v1/me')).body.data.workspace.id).toBe('ws_456');
  });

  it('takes up to --restore-limit, whatever --body-limit says', async () => {
    const h = await harness({ bodyLimit: 1024, restoreLimit: 4 * 1024 * 1024 });
    const state = await h.get('/_mock/state', { key: null });
    expect(state.text.length).toBeGreaterThan(100_000);
    expect((await h.call('PUT', '/_mock/state', { key: null, body: state.text })).status).toBe(200);
    const small = await harness({ restoreLimit: 10_000 });
    expect((await small.call('PUT', '/_mock/state', { key: null, body: state.text })).status).toBe(413);
  });

  it('takes id counters only for the workspaces it holds, and only within bounds', async () => {
    const h = await harness();
    const state = (await h.get('/_mock/state', { key: null })).body;
    const huge = await h.call('PUT', '/_mock/state', { key: null, body: { ...state, idCounters: { ws_456: 1_000_000_000_000 } } });
    expect(huge.status).toBe(422);
    expect(huge.body.error.param).toBe('idCounters.ws_456');
    const stray = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`ws_stray${i}`, 5]));
    expect((await h.call('PUT', '/_mock/state', { key: null, body: { ...state, idCounters: stray } })).status).toBe(200);
    expect(h.deps.store.idCountersOf(['ws_stray1'])).toEqual({ ws_stray1: 0 });
    expect((await h.call('POST', '/v1/tickets', { body: { subject: 'still writable' } })).status).toBe(201);
  });
});
