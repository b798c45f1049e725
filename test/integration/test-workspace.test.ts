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
});
