// The Requests view: the journal, live, with filters; one entry's whole exchange; Copy as curl;
// Replay (POST /_mock/requests/{id}/replay) with both exchanges side by side.
import { api } from './api.js';
import { $, badge, fill, h, json, pairs, statusBadge, syncEmpty, toast, when } from './dom.js';

const KEPT = 1000;
const SHOWN = 300;
let missed = 0;
/** Summaries (as the stream's `request` events carry them), newest first. */
let entries = [];
let selected;

/** A journal entry (GET /_mock/requests) in short, as the stream sends it. */
function summaryOf(e) {
  return {
    id: e.id,
    time: e.time,
    method: e.method,
    path: e.path,
    query: new URLSearchParams(Object.entries(e.query).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]]))).toString(),
    status: e.status,
    duration_ms: e.duration_ms,
    workspace_id: e.workspace_id,
    key: e.headers.authorization?.replace(/^\S+\s+/, '') ?? null,
    replay_of: e.replay_of ?? null,
  };
}

/** `*` is any run of characters, anchored at both ends, case-insensitive (as GET /_mock/requests?path= matches). */
function glob(pattern) {
  const parts = pattern.toLowerCase().split('*');
  return (value) => {
    const v = value.toLowerCase();
    if (parts.length === 1) return v === parts[0];
    if (!v.startsWith(parts[0]) || !v.endsWith(parts.at(-1))) return false;
    let at = parts[0].length;
    for (const part of parts.slice(1, -1)) {
      const found = v.indexOf(part, at);
      if (found < 0) return false;
      at = found + part.length;
    }
    return at <= v.length - parts.at(-1).length;
  };
}

function currentFilter() {
  const f = new FormData($('#request-filters'));
  const path = String(f.get('path') ?? '').trim();
  const text = String(f.get('text') ?? '')
    .trim()
    .toLowerCase();
  const pathMatch = path ? glob(path) : () => true;
  const workspace = f.get('workspace');
  const method = f.get('method');
  const status = f.get('status');
  return (e) =>
    (!workspace || e.workspace_id === workspace) &&
    (!method || e.method === method) &&
    (!status || String(e.status).startsWith(status)) &&
    pathMatch(e.path) &&
    (!text || `${e.id} ${e.method} ${e.path}?${e.query} ${e.status} ${e.workspace_id ?? ''} ${e.key ?? ''}`.toLowerCase().includes(text));
}

function row(e) {
  const target = e.query ? `${e.path}?${e.query}` : e.path;
  return h(
    'tr',
    { dataset: { id: e.id }, class: e.id === selected ? 'selected' : null },
    h('td', {}, when(e.time, true)),
    h('td', {}, h('span', { class: `method m-${e.method.toLowerCase()}` }, e.method)),
    h(
      'td',
      { class: 'path' },
      h('button', { type: 'button', class: 'link', 'data-open': e.id, title: target }, target),
      e.replay_of ? badge(`replay of ${e.replay_of}`, 'info') : null,
    ),
    h('td', {}, statusBadge(e.status)),
    h('td', { class: 'num' }, e.duration_ms.toFixed(1)),
    h('td', { class: 'mono' }, e.workspace_id ?? '—'),
    h('td', { class: 'mono' }, e.key ?? '—'),
  );
}

function render() {
  const match = currentFilter();
  const table = $('#request-table');
  fill(table.tBodies[0], entries.filter(match).slice(0, SHOWN).map(row));
  syncEmpty(table);
}

export function init() {
  const form = $('#request-filters');
  form.addEventListener('submit', (e) => e.preventDefault());
  form.addEventListener('input', () => render());
  $('#request-table').addEventListener('click', (e) => {
    const id = e.target.closest('[data-open]')?.dataset.open;
    if (id) open(id);
  });
}

/** A stream (re)starts: its backlog of requests follows, in place of what was shown. */
export function restart() {
  entries = [];
  missed = 0;
  $('#request-gap').hidden = true;
  render();
}

/** Loads the journal again (after events were not shown live). */
export async function reload() {
  const { data } = await api('GET', `/_mock/requests?limit=${SHOWN}`);
  entries = data.map(summaryOf);
  missed = 0;
  $('#request-gap').hidden = true;
  render();
}

export function load() {
  render();
}

/** Events were not sent (too many, too fast): say so, and offer to load the journal again. */
export function onGap(_app, dropped) {
  missed += dropped;
  const note = $('#request-gap');
  fill(
    note,
    `${missed.toLocaleString()} events were not shown live (too many, too fast). `,
    h('button', { type: 'button', class: 'small', onclick: () => reload() }, 'Load the journal again'),
  );
  note.hidden = false;
}

export function onRequest(_app, summary) {
  entries.unshift(summary);
  if (entries.length > KEPT) entries.length = KEPT;
  if (!currentFilter()(summary)) return;
  const table = $('#request-table');
  const body = table.tBodies[0];
  body.prepend(row(summary));
  while (body.rows.length > SHOWN) body.lastElementChild.remove();
  syncEmpty(table);
}

/** One side of an exchange: the request, and the response when the journal kept it. */
function exchange(e, title) {
  return h(
    'section',
    { class: 'exchange' },
    h('h4', {}, title, ' ', statusBadge(e.status), ' ', h('span', { class: 'muted' }, `${e.duration_ms.toFixed(1)} ms`)),
    h('h5', {}, 'Request headers'),
    pairs(e.headers),
    h('h5', {}, `Request body${e.body_truncated ? ` (first 8 KiB of ${e.body_size} bytes)` : ''}`),
    json(e.body),
    h('h5', {}, 'Response'),
    e.response
      ? [
          pairs(e.response.headers),
          h('h5', {}, `Response body${e.response.body_truncated ? ` (first 8 KiB of ${e.response.body_size} bytes)` : ''}`),
          json(e.response.body),
        ]
      : h(
          'p',
          { class: 'muted' },
          'Not kept: the journal keeps responses only while an inspector (or another /_mock/stream) is open, and this request came before.',
        ),
  );
}

function shellQuote(s) {
  return `'${String(s).replaceAll("'", "'\\''")}'`;
}

const SKIP = new Set(['host', 'content-length', 'connection', 'accept-encoding', 'transfer-encoding', 'keep-alive']);

/** The request as a curl command; the API key in full when it is one of /_mock/api-keys (the journal shows only its prefix). */
async function curlOf(e) {
  const keys = e.credential_id ? (await api('GET', '/_mock/api-keys')).data : [];
  const key = keys.find((k) => k.id === e.credential_id);
  const query = summaryOf(e).query;
  const parts = [`curl -X ${e.method} ${shellQuote(`${location.origin}${e.path}${query ? `?${query}` : ''}`)}`];
  for (const [name, value] of Object.entries(e.headers)) {
    if (SKIP.has(name)) continue;
    const shown = name === 'authorization' && key ? `Bearer ${key.key}` : value;
    parts.push(`-H ${shellQuote(`${name}: ${shown}`)}`);
  }
  if (e.body !== null && e.body !== undefined) parts.push(`--data-raw ${shellQuote(typeof e.body === 'string' ? e.body : JSON.stringify(e.body))}`);
  return parts.join(' \\\n  ');
}

async function open(id) {
  selected = id;
  for (const tr of $('#request-table').tBodies[0].rows) tr.classList.toggle('selected', tr.dataset.id === id);
  const panel = $('#request-detail');
  let e;
  try {
    e = (await api('GET', `/_mock/requests/${encodeURIComponent(id)}`)).data;
  } catch (err) {
    fill(panel, h('p', { class: 'error-box' }, err.message));
    panel.hidden = false;
    return;
  }
  const curl = h('pre', { class: 'curl', hidden: true, tabindex: 0 });
  const compare = h('div', { class: 'compare' }, exchange(e, `${e.id}`));
  const notes = [
    e.fault_id && badge(`fault rule ${e.fault_id}`, 'warn'),
    e.prefer_applied && badge(`Prefer: ${e.prefer_applied}`, 'info'),
    e.replay_of && badge(`replay of ${e.replay_of}`, 'info'),
    e.credential_id && badge(e.credential_id, ''),
  ].filter(Boolean);
  fill(
    panel,
    h(
      'h3',
      {},
      h('span', { class: `method m-${e.method.toLowerCase()}` }, e.method),
      ' ',
      h('span', { class: 'mono' }, summaryOf(e).query ? `${e.path}?${summaryOf(e).query}` : e.path),
    ),
    h('p', {}, statusBadge(e.status), ' ', when(e.time), ' ', h('span', { class: 'mono' }, e.workspace_id ?? 'no workspace'), ' ', notes),
    e.error
      ? h(
          'div',
          { class: 'error-box', role: 'note' },
          h('strong', {}, `${e.error.type} · ${e.error.code}`),
          h('p', {}, e.error.message),
          e.error.param ? h('p', {}, 'param: ', h('code', {}, e.error.param)) : null,
        )
      : null,
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        {
          type: 'button',
          onclick: async () => {
            const text = await curlOf(e);
            curl.textContent = text;
            curl.hidden = false;
            try {
              await navigator.clipboard.writeText(text);
              toast('Copied as curl');
            } catch {
              toast('Shown below: select it to copy', 'info');
            }
          },
          'data-action': 'curl',
        },
        'Copy as curl',
      ),
      h(
        'button',
        {
          type: 'button',
          'data-action': 'replay',
          onclick: async (ev) => {
            ev.target.disabled = true;
            try {
              const { data } = await api('POST', `/_mock/requests/${encodeURIComponent(e.id)}/replay`);
              fill(compare, exchange(data.original, `Original ${data.original.id}`), exchange(data.replay, `Replay ${data.replay.id}`));
              toast(`Replayed as ${data.replay.id}: ${data.replay.status}`);
            } catch (err) {
              toast(err.message, 'bad');
            } finally {
              ev.target.disabled = false;
            }
          },
        },
        'Replay',
      ),
    ),
    curl,
    compare,
  );
  panel.hidden = false;
  panel.focus({ preventScroll: true });
}
