import { AssertionError } from 'node:assert';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockServer, type MockServer } from '../../src/index.js';
import { commflowWorkspace } from '../../src/vitest.js';

/** `commflowWorkspace` (commflow-mock/vitest) and `mock.workspace()` describe a workspace with the same names. */
describe('commflowWorkspace', () => {
  let mock: MockServer;
  beforeAll(async () => {
    mock = await createMockServer({ port: 0, logLevel: 'silent' });
  });
  afterAll(() => mock.close());

  it('names the workspace `id`, as mock.workspace() does, and keeps the deprecated `workspaceId`', async () => {
    const ws = await commflowWorkspace(mock.url, { name: 'named' });
    const inProcess = await mock.workspace({ name: 'other' });
    expect(Object.keys(inProcess).sort()).toEqual(['apiKey', 'id', 'liveApiKey']);
    for (const key of Object.keys(inProcess)) expect(ws).toHaveProperty(key);
    expect(ws.id).toMatch(/^ws_/);
    expect(ws.id).not.toBe(inProcess.id);
    expect(ws.workspaceId).toBe(ws.id);
    const me = await fetch(`${ws.url}/v1/me`, { headers: { authorization: `Bearer ${ws.apiKey}` } });
    expect(((await me.json()) as { data: { workspace: { id: string; name: string } } }).data.workspace).toEqual({ id: ws.id, name: 'named' });
  });

  it("verifies this workspace's requests, rejecting with an AssertionError that names the closest ones", async () => {
    const ws = await commflowWorkspace(mock.url);
    const other = await commflowWorkspace(mock.url);
    const get = (w: typeof ws, path: string) => fetch(`${w.url}${path}`, { headers: { authorization: `Bearer ${w.apiKey}` } });
    await get(ws, '/v1/tickets?status=open');
    await get(other, '/v1/contacts');
    expect(await ws.verify({ method: 'GET', path: '/v1/tickets', query: { status: 'open' } }, 1)).toMatchObject({ passed: true, matched: 1 });
    const err = await ws.verify({ path: '/v1/contacts' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AssertionError);
    expect((err as Error).message).toContain(`Expected at least 1 request of workspace ${ws.id} to match path /v1/contacts; 0 did.`);
    expect((err as Error).message).toContain('path: expected "/v1/contacts", got "/v1/tickets"');
    await expect(other.verify({ path: '/v1/contacts' }, { at_most: 0 })).rejects.toThrow('Expected at most 0 requests');
  });

  it('arms a scenario for this workspace, and assertPassed lists the failed checks', async () => {
    const ws = await commflowWorkspace(mock.url);
    const run = await ws.scenario('pagination', { path: '/v1/tickets' });
    await expect(run.assertPassed()).rejects.toThrow(/is still pending:\n {2}… per-page-max: Not graded yet: the workspace has made no list request yet\.$/);
    await fetch(`${ws.url}/v1/tickets`, { headers: { authorization: `Bearer ${ws.apiKey}` } });
    const err = await run.assertPassed().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AssertionError);
    expect((err as Error).message).toMatch(new RegExp(`^Scenario ${run.id} \\(pagination, workspace ${ws.id}\\) failed:\n  ✓ per-page-max: `));
    expect((err as Error).message).toContain('  ✗ reached-end: The walk of /v1/tickets stopped at page 1 of 8');
    expect((await run.result()).workspace_id).toBe(ws.id);
    await expect(ws.scenario('chaos')).rejects.toThrow(/POST \/_mock\/scenarios answered 422: .*must be one of/);
  });
});
