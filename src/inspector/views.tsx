import type { FC } from 'hono/jsx';
import { resolveRef, type JsonObject, type Spec } from '../openapi/spec.js';
import { SchemaForm } from './schema-form.js';

/**
 * The four views of the inspector, as the server renders them: headings, filters, forms (built
 * from openapi.yaml) and empty tables. The page's script fills the tables from the /_mock and /v1
 * endpoints and keeps them live from GET /_mock/stream.
 */

interface ViewProps {
  spec: Spec;
}

/** The enum of a query parameter of an operation, from the spec. */
function queryEnum(spec: Spec, path: string, method: string, name: string): string[] {
  const op = spec.paths[path]?.[method] as JsonObject | undefined;
  for (const p of (op?.parameters as unknown[]) ?? []) {
    const param = resolveRef(spec, p);
    if (param.name === name) return ((resolveRef(spec, param.schema).enum as unknown[]) ?? []).map(String);
  }
  return [];
}

/** The collections the API lists at the top level (`GET /v1/tickets`): what the record browser can page through. */
function listedCollections(spec: Spec): string[] {
  return Object.keys(spec.paths)
    .filter((p) => /^\/v1\/[a-z]+$/.test(p) && p !== '/v1/me' && spec.paths[p]?.get)
    .map((p) => p.slice(4));
}

const Table: FC<{ id: string; caption: string; columns: string[]; empty: string }> = ({ id, caption, columns, empty }) => (
  <div class="table-wrap">
    <table id={id}>
      <caption class="sr-only">{caption}</caption>
      <thead>
        <tr>
          {columns.map((c) => (
            <th scope="col">{c}</th>
          ))}
        </tr>
      </thead>
      <tbody />
    </table>
    <p class="empty" data-empty-for={id}>
      {empty}
    </p>
  </div>
);

export const RequestsView: FC<ViewProps> = ({ spec }) => (
  <section id="requests" class="view" aria-labelledby="h-requests">
    <h2 id="h-requests">Requests</h2>
    <search aria-label="Filter requests">
      <form id="request-filters" class="filters">
        <label>
          Workspace
          <select name="workspace" data-workspaces="">
            <option value="">All</option>
          </select>
        </label>
        <label>
          Method
          <select name="method">
            <option value="">Any</option>
            {queryEnum(spec, '/_mock/requests', 'get', 'method').map((m) => (
              <option value={m}>{m}</option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select name="status">
            <option value="">Any</option>
            {['2', '3', '4', '5'].map((c) => (
              <option value={c}>{c}xx</option>
            ))}
          </select>
        </label>
        <label>
          Path
          <input name="path" type="text" placeholder="/v1/tickets*" autocomplete="off" />
        </label>
        <label>
          Text
          <input name="text" type="search" placeholder="search" autocomplete="off" />
        </label>
      </form>
    </search>
    <p id="request-gap" class="notice" role="status" hidden />
    <div class="split">
      <Table
        id="request-table"
        caption="Requests, newest first"
        columns={['Time', 'Method', 'Path', 'Status', 'ms', 'Workspace', 'Key']}
        empty="No request yet: call the API (curl, your SDK, your tests) and it shows here at once."
      />
      <section id="request-detail" class="detail" aria-label="Request detail" tabindex={-1} hidden />
    </div>
  </section>
);

export const WebhooksView: FC<ViewProps> = ({ spec }) => (
  <section id="webhooks" class="view" aria-labelledby="h-webhooks" hidden>
    <h2 id="h-webhooks">Webhooks</h2>
    <div class="toolbar">
      <label>
        Workspace
        <select id="webhook-workspace" data-workspaces="" data-required="" />
      </label>
      <SchemaForm spec={spec} id="flush-form" method="post" path="/_mock/webhooks/flush" submit="Flush" />
      <SchemaForm spec={spec} id="event-form" method="post" path="/_mock/events" submit="Fire event" omit={['data', 'workspace_id']} />
    </div>
    <h3>Subscriptions</h3>
    <Table
      id="subscription-table"
      caption="Subscriptions of the workspace"
      columns={['Id', 'URL', 'Events', 'Active', 'Created']}
      empty="No subscription: POST /v1/webhooks with a URL and events."
    />
    <h3>Deliveries</h3>
    <div class="split">
      <Table
        id="delivery-table"
        caption="Deliveries, newest first"
        columns={['Created', 'Event', 'Subscription', 'Status', 'Attempts', 'Last answer', 'Next attempt']}
        empty="No delivery yet."
      />
      <section id="delivery-detail" class="detail" aria-label="Delivery detail" tabindex={-1} hidden>
        <div id="delivery-body" />
        <div class="actions">
          <button type="button" id="redeliver">
            Redeliver
          </button>
        </div>
        <h4>Verify a secret</h4>
        <SchemaForm spec={spec} id="verify-form" method="post" path="/_mock/webhooks/deliveries/{id}/verify" submit="Verify" />
        <p id="verify-result" role="status" />
        <h4>Payload</h4>
        <div id="delivery-payload" />
      </section>
    </div>
  </section>
);

export const StateView: FC<ViewProps> = ({ spec }) => (
  <section id="state" class="view" aria-labelledby="h-state" hidden>
    <h2 id="h-state">State</h2>
    <Table
      id="workspace-table"
      caption="Workspaces and their record counts"
      columns={['Workspace', 'Users', 'Conversations', 'Messages', 'Contacts', 'Tickets', 'Webhooks', 'Deliveries', 'Keys', 'Actions']}
      empty="Loading…"
    />
    <div class="toolbar">
      <SchemaForm spec={spec} id="workspace-form" method="post" path="/_mock/workspaces" submit="Create workspace" />
      <SchemaForm spec={spec} id="snapshot-form" method="post" path="/_mock/snapshots" submit="Take snapshot" />
    </div>
    <h3>Snapshots</h3>
    <Table id="snapshot-table" caption="Named snapshots" columns={['Name', 'Workspaces', 'Taken', 'Actions']} empty="No snapshot taken yet." />
    <h3 id="h-records">Records</h3>
    <search aria-labelledby="h-records">
      <form id="browse-form" class="filters">
        <label>
          Workspace
          <select name="workspace" data-workspaces="" data-required="" />
        </label>
        <label>
          Collection
          <select name="collection">
            {listedCollections(spec).map((c) => (
              <option value={c} selected={c === 'tickets'}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label class="wide">
          Query (the API's own: filters, sort, q)
          <input name="query" type="text" placeholder="status=open&sort=created_at&order=asc" autocomplete="off" />
        </label>
        <label>
          Per page
          <select name="per_page">
            {['10', '25', '100'].map((n) => (
              <option value={n} selected={n === '25'}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Browse</button>
      </form>
    </search>
    <p id="browse-meta" class="muted" role="status" />
    <Table id="record-table" caption="Records" columns={[]} empty="Pick a workspace and a collection." />
    <nav class="pages" aria-label="Pages of records">
      <button type="button" id="browse-prev" disabled>
        Previous page
      </button>
      <button type="button" id="browse-next" disabled>
        Next page
      </button>
    </nav>
    <pre id="record-json" class="json" tabindex={0} hidden />
  </section>
);

const ADVANCE: [string, number][] = [
  ['+1 s', 1_000],
  ['+1 min', 60_000],
  ['+1 h', 3_600_000],
  ['+1 day', 86_400_000],
];

export const ControlsView: FC<ViewProps> = ({ spec }) => (
  <section id="controls" class="view" aria-labelledby="h-controls" hidden>
    <h2 id="h-controls">Controls</h2>
    <section class="card" aria-labelledby="h-clock">
      <h3 id="h-clock">Mock clock</h3>
      <p class="clock-big">
        <output id="ctl-clock-mock">…</output> <span class="muted">mock</span> · <output id="ctl-clock-local">…</output> <span class="muted">local</span> ·{' '}
        <span id="ctl-clock-state" />
      </p>
      <div class="actions">
        <button type="button" data-clock="freeze">
          Freeze now
        </button>
        {ADVANCE.map(([text, ms]) => (
          <button type="button" data-advance={String(ms)}>
            {text}
          </button>
        ))}
        <button type="button" data-clock="real">
          Back to real time
        </button>
      </div>
      <form id="clock-form" class="inline-form" novalidate>
        <label for="clock-at">Freeze at</label>
        <input id="clock-at" name="now" type="text" placeholder="2026-03-01T00:00:00Z" autocomplete="off" />
        <button type="submit">Freeze</button>
        <p class="form-error" role="alert" hidden />
      </form>
    </section>
    <h3>Fault rules</h3>
    <Table
      id="fault-table"
      caption="Fault rules, oldest first"
      columns={['Id', 'Method', 'Path', 'Answer', 'Latency', 'Left', 'Probability', 'Hits', 'Actions']}
      empty="No fault rule: requests get their real answers."
    />
    <SchemaForm spec={spec} id="fault-form" method="post" path="/_mock/faults" submit="Add fault rule" />
    <h3>Rate limits</h3>
    <Table id="rate-table" caption="Rate-limit windows" columns={['Key', 'Workspace', 'Plan', 'Used', 'Remaining', 'Resets']} empty="No key." />
    <h3>API keys</h3>
    <Table id="key-table" caption="API keys" columns={['Name', 'Key', 'Scopes', 'Plan', 'Mode', 'Workspace', 'Actions']} empty="No key." />
    <SchemaForm spec={spec} id="key-form" method="post" path="/_mock/api-keys" submit="Create key" />
    <h3>OAuth clients</h3>
    <Table id="client-table" caption="OAuth clients" columns={['Client id', 'Name', 'Redirect URIs', 'Public', 'Workspace']} empty="No client." />
    <SchemaForm spec={spec} id="client-form" method="post" path="/_mock/oauth-clients" submit="Register client" />
  </section>
);
