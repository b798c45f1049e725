import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaults } from '../../src/config.js';
import { LIMITS } from '../../src/limits.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const table = readme.slice(readme.indexOf('## Limits'), readme.indexOf('## In-process use'));
const n = (v: number) => v.toLocaleString('en-US');
const size = (bytes: number) => (bytes >= 1024 * 1024 ? `${bytes / 1024 / 1024} MiB` : `${bytes / 1024} KiB`);

/** Every cap in src/limits.ts and its README row: the row must state the value the code uses. */
const ROWS: Record<keyof typeof LIMITS, [row: string, value: string]> = {
  bodyDepth: ['JSON nesting of any body', `${LIMITS.bodyDepth} levels`],
  bodyBytesInFlight: ['request bodies held at once, `/v1`', size(LIMITS.bodyBytesInFlight)],
  openBodyBytesInFlight: ['request bodies held at once, `/_mock` and `/oauth`', size(LIMITS.openBodyBytesInFlight)],
  deletedWorkspaceCounters: ['id counters of deleted workspaces', n(LIMITS.deletedWorkspaceCounters)],
  idsPerWorkspace: ['ids handed out per workspace', n(LIMITS.idsPerWorkspace)],
  webhooksPerWorkspace: ['webhook subscriptions per workspace', n(LIMITS.webhooksPerWorkspace)],
  deliveriesPerWorkspace: ['finished delivery records per workspace', n(LIMITS.deliveriesPerWorkspace)],
  pendingPerEndpoint: ['pending deliveries per endpoint', n(LIMITS.pendingPerEndpoint)],
  attemptsInFlight: ['webhook attempts in flight', n(LIMITS.attemptsInFlight)],
  apiKeys: ['API keys', n(LIMITS.apiKeys)],
  oauthClients: ['OAuth clients', n(LIMITS.oauthClients)],
  oauthCodes: ['unused OAuth codes', n(LIMITS.oauthCodes)],
  oauthTokens: ['OAuth tokens', n(LIMITS.oauthTokens)],
  oauthFailuresPerMinute: ['failed `/oauth` requests', `${LIMITS.oauthFailuresPerMinute} per authenticated client per minute`],
  faultRules: ['fault rules', n(LIMITS.faultRules)],
  scenarios: ['conformance scenarios', `${n(LIMITS.scenarios)} held`],
  scenarioObservations: ['list requests a pagination scenario grades', n(LIMITS.scenarioObservations)],
  scenarioObservationBytes: ['list requests a pagination scenario grades', `${size(LIMITS.scenarioObservationBytes)} of notes`],
  verifyBodyBytes: ['request verification', `a body matcher of ${size(LIMITS.verifyBodyBytes)}`],
  validatedUrls: ['validated URLs remembered', n(LIMITS.validatedUrls)],
  validatedUrlBytes: ['validated URLs remembered', `up to ${n(LIMITS.validatedUrlBytes)} bytes`],
  searchTermsPerView: ['search terms remembered', `${n(LIMITS.searchTermsPerView)} per sorted view`],
  journalBodyBytes: ['request journal', `${size(LIMITS.journalBodyBytes)} of each body`],
  journalBytes: ['request journal', size(LIMITS.journalBytes)],
  headersTimeoutMs: ['request headers', `within ${LIMITS.headersTimeoutMs / 1000} s`],
  requestTimeoutMs: ['whole request, body included', `within ${LIMITS.requestTimeoutMs / 1000} s`],
  idleTimeoutMs: ['connection idle, nothing in flight', `after ${LIMITS.idleTimeoutMs / 1000} s`],
  shutdownGraceMs: ['graceful stop', `${LIMITS.shutdownGraceMs / 1000} s`],
  streams: ['open streams (`GET /_mock/stream`, an inspector tab is one)', `${n(LIMITS.streams)} at once`],
  streamBufferBytes: ['events waiting for a slow stream reader', size(LIMITS.streamBufferBytes)],
  streamStallMs: ['events waiting for a slow stream reader', `closed after ${LIMITS.streamStallMs / 1000} s behind`],
  streamHeartbeatMs: ['stream heartbeat', `every ${LIMITS.streamHeartbeatMs / 1000} s`],
  streamStateMs: ['stream `state` events', `one per ${n(LIMITS.streamStateMs)} ms`],
  webhookResponseBytes: ['webhook answer kept per attempt', `first ${n(LIMITS.webhookResponseBytes)} bytes`],
};

function row(label: string): string {
  const line = table.split('\n').find((l) => l.startsWith(`| ${label} |`));
  if (!line) throw new Error(`README's Limits table has no row '${label}'`);
  return line;
}

describe('the README Limits table', () => {
  it.each(Object.entries(ROWS))('states %s as the code has it', (_key, [label, value]) => {
    expect(row(label)).toContain(value);
  });

  it('states the defaults of the limits that are flags', () => {
    expect(row('workspaces')).toContain(`${defaults.maxWorkspaces} (`);
    expect(row('records per collection per workspace')).toContain(n(defaults.maxRecords));
    expect(row('named snapshots')).toContain(String(defaults.maxSnapshots));
    expect(row('request journal')).toContain(`${n(defaults.journalSize)} requests`);
    expect(row('request body')).toContain(size(defaults.bodyLimit));
    expect(row('snapshot restored by `PUT /_mock/state`')).toContain(size(defaults.restoreLimit));
  });
});
