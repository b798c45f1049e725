import { beforeAll, describe, expect, inject, it } from 'vitest';
import { commflowWorkspace, type TestWorkspace } from '../../src/vitest.js';

declare module 'vitest' {
  export interface ProvidedContext {
    commflowMockUrl: string;
  }
}

/** The recipe as a test: this file takes its own workspace on the run's one server and sees only it. */
export function isolationSuite(me: string): void {
  let ws: TestWorkspace;
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${ws.url}${path}`, { ...init, headers: { authorization: `Bearer ${ws.apiKey}`, 'content-type': 'application/json', ...init.headers } });

  beforeAll(async () => {
    ws = await commflowWorkspace(inject('commflowMockUrl'), { name: `file ${me}`, fixtures: 'empty' });
  });

  describe(`file ${me}, sharing one server with other files in parallel`, () => {
    it('sees only its own workspace', async () => {
      for (let i = 0; i < 30; i++) {
        const res = await api('/v1/tickets', { method: 'POST', body: JSON.stringify({ subject: `${me}-${i}` }) });
        expect(res.status).toBe(201);
      }
      const list = (await (await api('/v1/tickets?per_page=100')).json()) as { data: { subject: string }[]; meta: { total_count: number } };
      expect(list.meta.total_count).toBe(30);
      expect(list.data.every((t) => t.subject.startsWith(`${me}-`))).toBe(true);
      const meRes = (await (await api('/v1/me')).json()) as { data: { workspace: { id: string; name: string } } };
      expect(meRes.data.workspace).toEqual({ id: ws.workspaceId, name: `file ${me}` });
    });
  });
}
