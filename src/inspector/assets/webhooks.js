// The Webhooks view: a workspace's subscriptions and deliveries, live; each delivery's attempts
// with their signed headers and answers; Redeliver, Flush, Fire event, Verify a secret.
import { api } from './api.js';
import { $, badge, fill, fillTable, h, json, pairs, statusBadge, syncEmpty, toast, when } from './dom.js';

const STATUS_KIND = { pending: 'warn', succeeded: 'ok', failed: 'bad' };
let deliveries = [];
let selected;

const workspace = () => $('#webhook-workspace').value;

function deliveryRow(d) {
  return h(
    'tr',
    { dataset: { id: d.id }, class: d.id === selected ? 'selected' : null },
    h('td', {}, h('button', { type: 'button', class: 'link', 'data-open': d.id }, when(d.created_at, true))),
    h('td', {}, d.event),
    h('td', { class: 'mono' }, d.webhook_id),
    h('td', {}, badge(d.status, STATUS_KIND[d.status])),
    h('td', { class: 'num' }, String(d.attempts)),
    h('td', {}, d.response_status === null ? (d.error ? h('span', { class: 'muted', title: d.error }, 'no answer') : '—') : statusBadge(d.response_status)),
    h('td', {}, d.next_attempt_at ? when(d.next_attempt_at, true) : '—'),
  );
}

function renderDeliveries() {
  fillTable('delivery-table', deliveries.map(deliveryRow));
}

function attempt(a, i) {
  return h(
    'li',
    { class: 'attempt' },
    h(
      'p',
      {},
      h('strong', {}, `Attempt ${i + 1}`),
      ' ',
      when(a.attempted_at),
      ' ',
      a.response_status === null ? badge('no answer', 'bad') : statusBadge(a.response_status),
      ' ',
      h('span', { class: 'muted' }, `${a.duration_ms} ms`),
    ),
    a.error ? h('p', { class: 'error-text' }, a.error) : null,
    a.headers ? [h('h5', {}, 'Signed headers'), pairs(a.headers)] : null,
    a.response_body ? [h('h5', {}, 'Answer (first 256 bytes)'), json(a.response_body)] : null,
  );
}

function renderDetail(d) {
  $('#verify-form').dataset.id = d.id;
  $('#verify-form').dataset.query = `workspace_id=${encodeURIComponent(workspace())}`;
  fill(
    $('#delivery-body'),
    h('h3', {}, d.event, ' ', badge(d.status, STATUS_KIND[d.status])),
    h('p', { class: 'mono' }, `${d.id} → ${d.webhook_id} · webhook-id ${d.event_id}`),
    d.next_attempt_at ? h('p', {}, 'Next attempt: ', when(d.next_attempt_at)) : null,
    h('h4', {}, `Attempts (${d.attempts})`),
    d.history.length ? h('ol', { class: 'attempts' }, d.history.map(attempt)) : h('p', { class: 'muted' }, 'Not attempted yet.'),
  );
  fill($('#delivery-payload'), json(d.payload));
}

async function open(id) {
  selected = id;
  for (const tr of $('#delivery-table').tBodies[0].rows) tr.classList.toggle('selected', tr.dataset.id === id);
  const d = deliveries.find((x) => x.id === id);
  if (!d) return;
  $('#verify-result').textContent = '';
  renderDetail(d);
  const panel = $('#delivery-detail');
  panel.hidden = false;
  panel.focus({ preventScroll: true });
}

export function init() {
  $('#webhook-workspace').addEventListener('change', () => {
    selected = undefined;
    $('#delivery-detail').hidden = true;
    load();
  });
  $('#delivery-table').addEventListener('click', (e) => {
    const id = e.target.closest('[data-open]')?.dataset.open;
    if (id) open(id);
  });
  $('#redeliver').addEventListener('click', async () => {
    if (!selected) return;
    try {
      const { data } = await api(
        'POST',
        `/_mock/webhooks/deliveries/${encodeURIComponent(selected)}/redeliver?workspace_id=${encodeURIComponent(workspace())}`,
      );
      toast(`Queued again as ${data.id}`);
    } catch (err) {
      toast(err.message, 'bad');
    }
  });
}

export async function load() {
  const ws = workspace();
  if (!ws) return;
  // An event fired from here goes to the subscriptions of the workspace shown.
  $('#event-form').dataset.extra = JSON.stringify({ workspace_id: ws });
  const q = `workspace_id=${encodeURIComponent(ws)}`;
  const [subs, dels] = await Promise.all([api('GET', `/_mock/webhooks?${q}`), api('GET', `/_mock/webhooks/deliveries?${q}&limit=200`)]);
  fillTable(
    'subscription-table',
    subs.data.map(({ webhook: w }) =>
      h(
        'tr',
        {},
        h('td', { class: 'mono' }, w.id),
        h('td', { class: 'mono wrap' }, w.url),
        h('td', {}, w.events.join(', ')),
        h('td', {}, w.active ? badge('active', 'ok') : badge('inactive', 'warn')),
        h('td', {}, when(w.created_at)),
      ),
    ),
  );
  deliveries = dels.data;
  renderDeliveries();
  const d = selected && deliveries.find((x) => x.id === selected);
  if (d) renderDetail(d);
}

export function onDelivery(_app, { workspace_id, delivery }) {
  if (workspace_id !== workspace()) return;
  const at = deliveries.findIndex((d) => d.id === delivery.id);
  if (at >= 0) deliveries[at] = delivery;
  else deliveries.unshift(delivery);
  const table = $('#delivery-table');
  const existing = [...table.tBodies[0].rows].find((tr) => tr.dataset.id === delivery.id);
  if (existing) existing.replaceWith(deliveryRow(delivery));
  else table.tBodies[0].prepend(deliveryRow(delivery));
  syncEmpty(table);
  if (delivery.id === selected) renderDetail(delivery);
}

export function onForm(_app, id, answer) {
  if (id === 'flush-form') {
    const d = answer.data;
    toast(`Flushed: ${d.succeeded} succeeded, ${d.failed} failed, ${d.pending} pending${d.timed_out ? ' (timed out)' : ''}`);
  } else if (id === 'event-form') toast(`Fired ${answer.data.event.event} to ${answer.data.deliveries} subscription(s)`);
  else if (id === 'verify-form') {
    const r = answer.data;
    const out = $('#verify-result');
    fill(out, badge(r.valid ? 'verified' : 'does not verify', r.valid ? 'ok' : 'bad'), ' ', r.message);
  }
}
