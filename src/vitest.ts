import { AssertionError } from 'node:assert';
import type { ScenarioView } from './conformance/book.js';
import { scenarioReport } from './conformance/report.js';
import type { CountExpectation, VerifyInput, VerifyResult } from './conformance/verify.js';
import type { BuildOptions } from './deps.js';
import { startServer } from './server.js';

/** The part of vitest's TestProject a globalSetup needs (no runtime import of vitest). */
interface Provider {
  provide(key: string, value: unknown): void;
}

/**
 * A vitest globalSetup: one mock server for the whole run, its URL provided to every test
 * file as `inject('commflowMockUrl')`. Give each file its own workspace with `commflowWorkspace`.
 */
export function commflowGlobalSetup(options: BuildOptions = {}) {
  return async function setup(project: Provider): Promise<() => Promise<void>> {
    const mock = await startServer({ port: 0, logLevel: 'silent', ...options });
    project.provide('commflowMockUrl', mock.url);
    return () => mock.close();
  };
}

/** What `ws.verify` takes: which requests (`method`, `path` glob, `query`, `headers`, `body` as a JSON subset). */
export type RequestMatcher = Omit<VerifyInput, 'workspace_id' | 'times' | 'at_least' | 'at_most'>;

/** An armed conformance scenario of a test workspace (see README "SDK conformance kit"). */
export interface WorkspaceScenario {
  id: string;
  /** The verdict now (`GET /_mock/scenarios/{id}`). */
  result(): Promise<ScenarioView>;
  /** The verdict, or an AssertionError listing the checks that failed (or saying it is still pending). */
  assertPassed(): Promise<ScenarioView>;
}

export interface TestWorkspace {
  /** Base URL of the mock; the API is under `${url}/v1`. */
  url: string;
  /** The workspace's id (`ws_…`), as `mock.workspace()` names it. */
  id: string;
  /** @deprecated The same as `id`; kept for code written against 0.1.0. */
  workspaceId: string;
  apiKey: string;
  liveApiKey: string;
  /**
   * Resolves when this workspace's journal holds as many matching requests as expected (a number
   * is `times`; default at least 1); rejects with an AssertionError naming the closest requests
   * and what differed (`POST /_mock/requests/verify`).
   */
  verify(matcher: RequestMatcher, count?: number | CountExpectation): Promise<VerifyResult>;
  /** Arms a conformance scenario for this workspace (`POST /_mock/scenarios`). */
  scenario(name: string, options?: Record<string, number | string>): Promise<WorkspaceScenario>;
}

/** A fresh, isolated workspace on a running mock (for a test file, or a single test). */
export async function commflowWorkspace(
  url: string,
  options: { name?: string; seed?: number; fixtures?: 'default' | 'empty'; adminToken?: string } = {},
): Promise<TestWorkspace> {
  const { adminToken, ...body } = options;
  const res = await fetch(`${url}/_mock/workspaces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(adminToken ? { authorization: `Bearer ${adminToken}` } : {}) },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`commflow-mock: could not create a workspace (${res.status}): ${await res.text()}`);
  const { data } = (await res.json()) as { data: { workspace: { id: string }; api_key: string; live_api_key: string } };
  const id = data.workspace.id;
  const control = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const answer = await fetch(`${url}/_mock${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(adminToken ? { authorization: `Bearer ${adminToken}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (answer.status >= 300) throw new Error(`commflow-mock: ${method} /_mock${path} answered ${answer.status}: ${await answer.text()}`);
    return ((await answer.json()) as { data: T }).data;
  };
  return {
    url,
    id,
    workspaceId: id,
    apiKey: data.api_key,
    liveApiKey: data.live_api_key,
    verify: async (matcher, count) => {
      const result = await control<VerifyResult>('POST', '/requests/verify', {
        ...matcher,
        ...(typeof count === 'number' ? { times: count } : count),
        workspace_id: id,
      });
      if (!result.passed) throw new AssertionError({ message: result.message });
      return result;
    },
    scenario: async (name, options) => {
      const armed = await control<ScenarioView>('POST', '/scenarios', { name, workspace_id: id, ...(options ? { options } : {}) });
      const result = () => control<ScenarioView>('GET', `/scenarios/${encodeURIComponent(armed.id)}`);
      return {
        id: armed.id,
        result,
        assertPassed: async () => {
          const view = await result();
          if (view.status !== 'passed') throw new AssertionError({ message: scenarioReport(view) });
          return view;
        },
      };
    },
  };
}
