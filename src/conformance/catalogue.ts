/**
 * The conformance scenarios: what each injects, what it takes, what it checks. Pure data, read by
 * `GET /_mock/scenarios`, `commflow-mock scenarios` and the scenarios themselves. The names are
 * openapi.yaml's ScenarioName enum, the options ScenarioOptions' properties (a test holds them equal).
 */

export interface OptionInfo {
  name: string;
  default: number | string | null;
  description: string;
}

export interface ScenarioInfo {
  name: ScenarioName;
  summary: string;
  /** What the verdict waits for while it is pending. */
  waiting: string;
  options: OptionInfo[];
  checks: { name: string; description: string }[];
}

export type ScenarioName = 'rate-limit' | 'server-errors' | 'dropped-connection' | 'token-expiry' | 'pagination' | 'webhook-receiver';

const retryChecks = [
  { name: 'retried-safe', description: 'Every safe request (GET, HEAD) that failed was sent again (RFC 9110 §9.2.1).' },
  {
    name: 'growing-delays',
    description: 'The first retry waited at least min_delay_ms, and each later wait was at least 10% longer than the one before (give or take 25 ms).',
  },
  {
    name: 'no-blind-repeat',
    description: 'No POST or PATCH that failed was sent again as it was, unless with the same Idempotency-Key (RFC 9110 §9.2.2).',
  },
];

export const SCENARIOS: readonly ScenarioInfo[] = [
  {
    name: 'rate-limit',
    summary: "The workspace's next `count` /v1 requests get 429 with Retry-After: retry_after_s.",
    waiting: "none of the workspace's requests has met the injected 429 yet.",
    options: [
      { name: 'retry_after_s', default: 1, description: 'Seconds each 429 says to wait (Retry-After).' },
      { name: 'count', default: 2, description: 'How many requests get a 429.' },
      { name: 'max_attempts', default: 5, description: 'The most attempts of one request, 429s in a row, before the client must give up.' },
    ],
    checks: [
      { name: 'retried', description: 'A request refused with 429 was sent again.' },
      { name: 'waited-retry-after', description: 'Each retry came at least Retry-After seconds (wall clock) after the 429 (RFC 9110 §10.2.3).' },
      { name: 'backed-off', description: 'The waits before each retry of a request never shrank (by more than a quarter: load makes waits seem longer).' },
      { name: 'gave-up', description: 'No request was sent more than max_attempts times into 429s.' },
    ],
  },
  {
    name: 'server-errors',
    summary: "The workspace's next `count` /v1 requests get 503, 500, 503… in the CommFlow envelope.",
    waiting: "none of the workspace's requests has met an injected 5xx yet.",
    options: [
      { name: 'count', default: 3, description: 'How many requests fail.' },
      { name: 'min_delay_ms', default: 10, description: 'The shortest acceptable wait before a first retry.' },
    ],
    checks: retryChecks,
  },
  {
    name: 'dropped-connection',
    summary: "The workspace's next `count` /v1 requests have their connection closed without an answer.",
    waiting: "none of the workspace's requests has had its connection dropped yet.",
    options: [
      { name: 'count', default: 3, description: 'How many requests are dropped.' },
      { name: 'min_delay_ms', default: 10, description: 'The shortest acceptable wait before a first retry.' },
    ],
    checks: retryChecks,
  },
  {
    name: 'token-expiry',
    summary: 'The OAuth access token in use expires (mock clock) after every `after_requests` successful requests, `expirations` times.',
    waiting: "no request has met an expired access token yet (the workspace's requests must use an OAuth access token).",
    options: [
      { name: 'after_requests', default: 1, description: 'Successful /v1 requests with an access token before it expires.' },
      { name: 'expirations', default: 2, description: 'How many times a token expires (2 or more shows whether the rotated refresh token is used).' },
    ],
    checks: [
      { name: 'refreshed-once', description: 'After each 401 token_expired, exactly one refresh_token grant (RFC 6749 §6).' },
      { name: 'retried-once', description: 'The request that got 401 token_expired was sent again once, with the new access token.' },
      {
        name: 'rotated-refresh-token',
        description: 'Each refresh sent the refresh token of the last token response, never one already used (RFC 9700 §4.14.2).',
      },
    ],
  },
  {
    name: 'pagination',
    summary: 'Watches list requests: the client must walk a list through links.next to its last page.',
    waiting: 'the workspace has made no list request yet.',
    options: [{ name: 'path', default: null, description: 'Only lists at this path (exact, or a glob with *); default every list.' }],
    checks: [
      { name: 'per-page-max', description: 'No request asked for more than 100 per page.' },
      { name: 'followed-links', description: 'Each page after the first was the links.next of the page before, as given.' },
      { name: 'every-page-once', description: 'No page of a walk was fetched twice.' },
      { name: 'reached-end', description: 'Every walk went on to the page whose links.next is null.' },
    ],
  },
  {
    name: 'webhook-receiver',
    summary: "Sends the workspace's webhook endpoint a signed delivery, a wrongly signed one, a stale one and a duplicate webhook-id.",
    waiting: 'the four deliveries have not all been answered yet.',
    options: [
      { name: 'webhook_id', default: null, description: 'The subscription whose endpoint and secret to use; default the newest active one.' },
      { name: 'stale_s', default: 600, description: 'How old the stale delivery’s webhook-timestamp is, in seconds (the usual tolerance is 300).' },
    ],
    checks: [
      { name: 'accepted-valid', description: 'The correctly signed delivery was answered 2xx.' },
      { name: 'rejected-bad-signature', description: 'The delivery signed with another secret was answered 4xx.' },
      { name: 'rejected-stale', description: 'The delivery with an old webhook-timestamp was answered 4xx.' },
      { name: 'ignored-duplicate', description: 'The repeated webhook-id was answered 2xx or 4xx, never 5xx or not at all (deduplicate on it).' },
    ],
  },
];

export function scenarioInfo(name: string): ScenarioInfo | undefined {
  return SCENARIOS.find((s) => s.name === name);
}

/** The catalogue as `commflow-mock scenarios` prints it. */
export function catalogueText(): string {
  const out = [
    'SDK conformance scenarios. Arm one for a workspace, run your client, then read the verdict:',
    '  POST /_mock/scenarios {"name", "workspace_id"?, "options"?}  →  201 {"data": {"id": "scn_1", ...}}',
    '  GET  /_mock/scenarios/scn_1                                  →  {"data": {"status", "checks": [...]}}',
    '',
  ];
  for (const s of SCENARIOS) {
    out.push(`${s.name}`, `  ${s.summary.replaceAll('`', '')}`);
    if (s.options.length) {
      out.push('  options:');
      for (const o of s.options) out.push(`    ${o.name.padEnd(15)}${o.description} Default ${o.default === null ? 'none' : o.default}.`);
    }
    out.push('  checks:');
    for (const c of s.checks) out.push(`    ${c.name.padEnd(23)}${c.description}`);
    out.push('');
  }
  return out.join('\n').trimEnd();
}
