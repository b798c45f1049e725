/**
 * Every fixed cap, timeout and nesting limit of the server, in one place (README "Limits"
 * lists them; the ones a user may need to raise are flags in config.ts instead).
 */
export const LIMITS = {
  /** Bytes of authenticated /v1 request bodies held at once (beyond, a body waits). */
  bodyBytesInFlight: 64 * 1024 * 1024,
  /** Bytes of /_mock and /oauth request bodies held at once (beyond, a body waits). */
  openBodyBytesInFlight: 48 * 1024 * 1024,
  /** Nesting of any JSON request body, checked before it is parsed. */
  bodyDepth: 64,
  /** Id counters kept for deleted workspaces (so a restored one never reuses an id). */
  deletedWorkspaceCounters: 10_000,
  /** Ids handed out per workspace (records, events, deliveries), for the life of the data. */
  idsPerWorkspace: 1_000_000_000_000,
  /** Webhook subscriptions per workspace. */
  webhooksPerWorkspace: 100,
  /** Delivery records kept per workspace; the oldest finished ones go first. */
  deliveriesPerWorkspace: 10_000,
  /** Pending deliveries per endpoint; beyond, a new delivery is recorded as failed at once. */
  pendingPerEndpoint: 1_000,
  /** Webhook attempts in flight at once, all endpoints together. */
  attemptsInFlight: 256,
  /** Bytes of a webhook endpoint's answer kept with each attempt. */
  webhookResponseBytes: 256,
  /** API keys, revoked ones included. */
  apiKeys: 10_000,
  /** OAuth clients, the default one included. */
  oauthClients: 1_000,
  /** Unused authorization codes kept (oldest dropped first); each lives 10 minutes. */
  oauthCodes: 10_000,
  /** OAuth tokens kept; expired and revoked ones are pruned first, then the oldest. */
  oauthTokens: 100_000,
  /** Failed /oauth requests of an authenticated client per minute (mock clock) before 429. */
  oauthFailuresPerMinute: 60,
  /** Fault rules active at once. */
  faultRules: 100,
  /** Conformance scenarios held, armed and ended together; the oldest ended ones go first. */
  scenarios: 1_000,
  /** List requests one pagination scenario notes (the rest are not graded, and it says so). */
  scenarioObservations: 1_000,
  /** Bytes the armed scenarios' notes (their URLs) may hold together; an ended scenario keeps only its verdict. */
  scenarioObservationBytes: 8 * 1024 * 1024,
  /** Bytes of a verification's body matcher (the journal keeps no more of any body). */
  verifyBodyBytes: 8 * 1024,
  /** Validated URLs remembered (body-less requests; the least recently added go first). */
  validatedUrls: 2_048,
  /** Longest URL whose validation is remembered. */
  validatedUrlBytes: 1_024,
  /** Search terms whose matching records a sorted view remembers (the oldest go first). */
  searchTermsPerView: 256,
  /** Bytes of a request body the journal keeps (the rest is cut and marked). */
  journalBodyBytes: 8 * 1024,
  /** Bytes all journal entries may hold together; the oldest entries go first. */
  journalBytes: 32 * 1024 * 1024,
  /** A connection must send complete request headers within this time (ms). */
  headersTimeoutMs: 10_000,
  /** A connection must send a whole request, body included, within this time (ms). */
  requestTimeoutMs: 60_000,
  /** An open connection with no request in flight is closed after this idle time (ms). */
  idleTimeoutMs: 10_000,
  /** On SIGTERM/SIGINT, requests in flight get this long to finish (ms). */
  shutdownGraceMs: 5_000,
  /** `GET /_mock/stream` connections open at once. */
  streams: 16,
  /** Bytes of events a stream may have waiting for a slow reader; beyond, events are dropped (and counted in a `gap`). */
  streamBufferBytes: 1024 * 1024,
  /** A stream that has dropped events for this long without its reader catching up is closed (ms). */
  streamStallMs: 30_000,
  /** A comment is sent on an idle stream this often, to keep it open through proxies (ms). */
  streamHeartbeatMs: 15_000,
  /** At most one `state` event per this many ms on a stream (changes in between are counted in it). */
  streamStateMs: 250,
} as const;
