// The State view: workspaces with their record counts (GET /_mock/stats), Reset, Export, Delete;
// named snapshots; a record browser that pages through /v1 lists with the API's own query
// language, as a key of the workspace (so its requests show in the journal, like any other).
import { api } from './api.js';
import { $, confirmButton, fill, fillTable, h, toast, when } from './dom.js';

const COUNTED = ['users', 'conversations', 'messages', 'contacts', 'tickets', 'webhooks', 'deliveries'];
const PREFERRED = ['id', 'subject', 'name', 'email', 'status', 'priority', 'channel', 'url', 'role', 'created_at'];
let page = 1;
let links = {};
let records = [];

async function exportJson(id) {
  const snapshot = await api('GET', `/_mock/state?workspace_id=${encodeURIComponent(id)}`);
  const url = URL.createObjectURL(new Blob([JSON.stringify(snapshot, null, 2)], { type: 'application/json' }));
  const a = h('a', { href: url, download: `${id}.json` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function workspaceRow(app, { workspace: w, counts, api_keys }) {
  const isDefault = app.stats.workspaces[0]?.workspace.id === w.id;
  return h(
    'tr',
    { dataset: { id: w.id } },
    h('th', { scope: 'row' }, w.name, h('br'), h('span', { class: 'mono muted' }, w.id)),
    COUNTED.map((c) => h('td', { class: 'num', 'data-count': c }, String(counts[c]))),
    h('td', { class: 'num' }, String(api_keys)),
    h(
      'td',
      {},
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', onclick: () => browse(w.id) }, 'Browse'),
        confirmButton('Reset', 'Confirm reset', async () => {
          await api('POST', '/_mock/reset', { workspace_id: w.id });
          toast(`${w.name} is back to its fixtures`);
        }),
        h('button', { type: 'button', onclick: () => exportJson(w.id).catch((err) => toast(err.message, 'bad')) }, 'Export JSON'),
        isDefault
          ? null
          : confirmButton('Delete', 'Confirm delete', async () => {
              await api('DELETE', `/_mock/workspaces/${encodeURIComponent(w.id)}`);
              toast(`${w.name} deleted`);
            }),
      ),
    ),
  );
}

export async function load(app) {
  fillTable(
    'workspace-table',
    app.stats.workspaces.map((s) => workspaceRow(app, s)),
  );
  const { data } = await api('GET', '/_mock/snapshots');
  fillTable(
    'snapshot-table',
    data.map((s) =>
      h(
        'tr',
        {},
        h('td', { class: 'mono' }, s.name),
        h('td', { class: 'mono' }, s.workspaces.join(', ')),
        h('td', {}, when(s.created_at)),
        h(
          'td',
          {},
          confirmButton('Restore', 'Confirm restore', async () => {
            await api('POST', `/_mock/snapshots/${encodeURIComponent(s.name)}/restore`);
            toast(`Restored ${s.name}`);
          }),
        ),
      ),
    ),
  );
}

/** A key of the workspace that may read the collection (any valid key reads users and webhooks). */
async function keyFor(workspace, collection) {
  const { data } = await api('GET', `/_mock/api-keys?workspace_id=${encodeURIComponent(workspace)}`);
  const scope = ['users', 'webhooks'].includes(collection) ? null : `read:${collection}`;
  return data.find((k) => !k.revoked && (!scope || k.scopes.includes(scope)));
}

function columnsOf(list) {
  const seen = new Set(list.flatMap((r) => Object.keys(r)));
  return PREFERRED.filter((c) => seen.has(c)).slice(0, 6);
}

function cell(v) {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

async function fetchPage() {
  const form = $('#browse-form');
  const f = new FormData(form);
  const [workspace, collection, query, perPage] = ['workspace', 'collection', 'query', 'per_page'].map((k) => String(f.get(k) ?? '').trim());
  const meta = $('#browse-meta');
  const key = await keyFor(workspace, collection);
  if (!key) {
    meta.textContent = `No key of ${workspace} may read ${collection}: create one under Controls.`;
    return;
  }
  const params = new URLSearchParams(query.replace(/^\?/, ''));
  params.set('page', String(page));
  params.set('per_page', perPage);
  try {
    const res = await api('GET', `/v1/${collection}?${params}`, undefined, { key: key.key });
    records = res.data;
    links = res.links ?? {};
    const m = res.meta ?? {};
    meta.textContent = `${collection} of ${workspace}: page ${m.page ?? page} of ${m.total_pages ?? '?'}, ${m.total_count ?? records.length} in all (as ${key.name}, GET /v1/${collection}?${params})`;
  } catch (err) {
    records = [];
    links = {};
    meta.textContent = err.message;
  }
  const columns = columnsOf(records);
  const table = $('#record-table');
  fill(
    table.tHead.rows[0],
    columns.map((c) => h('th', { scope: 'col' }, c)),
  );
  fillTable(
    'record-table',
    records.map((r) =>
      h(
        'tr',
        {},
        columns.map((c, i) =>
          h(
            'td',
            { class: c === 'id' ? 'mono' : null },
            i === 0 ? h('button', { type: 'button', class: 'link', 'data-record': r.id }, cell(r[c])) : cell(r[c]),
          ),
        ),
      ),
    ),
  );
  $('#browse-prev').disabled = !links.prev;
  $('#browse-next').disabled = !links.next;
  $('#record-json').hidden = true;
}

function browse(workspace) {
  $('#browse-form').elements.workspace.value = workspace;
  page = 1;
  fetchPage();
  $('#h-records').scrollIntoView({ block: 'start' });
}

export function init() {
  $('#browse-form').addEventListener('submit', (e) => {
    e.preventDefault();
    page = 1;
    fetchPage();
  });
  $('#browse-prev').addEventListener('click', () => {
    page = Math.max(1, page - 1);
    fetchPage();
  });
  $('#browse-next').addEventListener('click', () => {
    page++;
    fetchPage();
  });
  $('#record-table').addEventListener('click', (e) => {
    const id = e.target.closest('[data-record]')?.dataset.record;
    const record = records.find((r) => r.id === id);
    if (!record) return;
    const pre = $('#record-json');
    pre.textContent = JSON.stringify(record, null, 2);
    pre.hidden = false;
    pre.focus();
  });
}

export function onForm(_app, id, answer) {
  if (id === 'workspace-form') toast(`Created ${answer.data.workspace.id}; its test key is ${answer.data.api_key}`);
  else if (id === 'snapshot-form') toast(`Snapshot ${answer.data.name} taken`);
}
