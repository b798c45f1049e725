// The Controls view: the mock clock, fault rules, each key's rate-limit window (live), API keys
// and OAuth clients.
import { api } from './api.js';
import { $, badge, fillTable, h, throttle, toast, when } from './dom.js';

async function clock(method, body) {
  try {
    await api(method, '/_mock/clock', body);
  } catch (err) {
    toast(err.message, 'bad');
  }
}

const cut = (key) => `${key.slice(0, key.indexOf('_', 3) + 1 + 4)}…`;

async function loadFaults() {
  const { data } = await api('GET', '/_mock/faults');
  fillTable(
    'fault-table',
    data.map((f) =>
      h(
        'tr',
        { dataset: { id: f.id } },
        h('td', { class: 'mono' }, f.id),
        h('td', {}, f.method ?? 'any'),
        h('td', { class: 'mono' }, f.path ?? '*'),
        h(
          'td',
          {},
          f.drop_connection
            ? badge('drop connection', 'bad')
            : f.status
              ? badge(`${f.status}${f.error_type ? ` ${f.error_type}` : ''}`, 'warn')
              : 'real answer',
        ),
        h('td', { class: 'num' }, f.latency_ms ? `${f.latency_ms} ms` : '—'),
        h('td', { class: 'num' }, f.count ?? '∞'),
        h('td', { class: 'num' }, String(f.probability)),
        h('td', { class: 'num' }, String(f.hits)),
        h(
          'td',
          {},
          h(
            'button',
            {
              type: 'button',
              onclick: async () => {
                await api('DELETE', `/_mock/faults/${encodeURIComponent(f.id)}`).catch((err) => toast(err.message, 'bad'));
                loadFaults();
              },
            },
            'Remove',
          ),
        ),
      ),
    ),
  );
}

async function loadRates() {
  const { data } = await api('GET', '/_mock/rate-limits');
  fillTable(
    'rate-table',
    data.map((w) =>
      h(
        'tr',
        { dataset: { bucket: w.bucket } },
        h('td', {}, w.name ?? w.kind, h('br'), h('span', { class: 'mono muted' }, w.key_id ?? w.bucket)),
        h('td', { class: 'mono' }, w.workspace_id ?? '—'),
        h('td', {}, w.plan),
        h('td', { class: 'num', 'data-used': '' }, String(w.used)),
        h(
          'td',
          { class: 'num' },
          h('meter', {
            min: 0,
            max: w.limit,
            value: w.remaining,
            low: w.limit * 0.2,
            high: w.limit * 0.5,
            optimum: w.limit,
            'aria-label': `${w.remaining} of ${w.limit} left`,
          }),
          ' ',
          h('span', { 'data-remaining': '' }, `${w.remaining}/${w.limit}`),
        ),
        h('td', {}, when(w.reset)),
      ),
    ),
  );
}

async function loadKeys() {
  const [keys, clients] = await Promise.all([api('GET', '/_mock/api-keys'), api('GET', '/_mock/oauth-clients')]);
  fillTable(
    'key-table',
    keys.data.map((k) =>
      h(
        'tr',
        {},
        h('td', {}, k.name, h('br'), h('span', { class: 'mono muted' }, k.id)),
        h(
          'td',
          { class: 'mono' },
          cut(k.key),
          ' ',
          h(
            'button',
            {
              type: 'button',
              class: 'small',
              onclick: () =>
                navigator.clipboard?.writeText(k.key).then(
                  () => toast('Key copied'),
                  () => toast(k.key, 'info'),
                ),
            },
            'Copy',
          ),
        ),
        h('td', {}, k.scopes.join(' ')),
        h('td', {}, k.plan),
        h('td', {}, k.mode),
        h('td', { class: 'mono' }, k.workspace_id),
        h(
          'td',
          {},
          k.revoked
            ? badge('revoked', 'bad')
            : h(
                'button',
                {
                  type: 'button',
                  class: 'danger',
                  onclick: async () => {
                    await api('DELETE', `/_mock/api-keys/${encodeURIComponent(k.id)}`).catch((err) => toast(err.message, 'bad'));
                    loadKeys();
                  },
                },
                'Revoke',
              ),
        ),
      ),
    ),
  );
  fillTable(
    'client-table',
    clients.data.map((c) =>
      h(
        'tr',
        {},
        h('td', { class: 'mono' }, c.client_id),
        h('td', {}, c.name),
        h('td', { class: 'mono wrap' }, Array.isArray(c.redirect_uris) ? c.redirect_uris.join(' ') : 'any loopback URI'),
        h('td', {}, c.public ? 'yes' : 'no'),
        h('td', { class: 'mono' }, c.workspace_id),
      ),
    ),
  );
}

const liveRates = throttle(() => {
  Promise.all([loadRates(), loadFaults()]).catch(() => undefined);
}, 500);

export function init(app) {
  for (const b of document.querySelectorAll('[data-advance]')) b.addEventListener('click', () => clock('POST', { advance_ms: Number(b.dataset.advance) }));
  document.querySelector('[data-clock="freeze"]').addEventListener('click', () => clock('POST', { now: new Date(app.mockNow()).toISOString() }));
  document.querySelector('[data-clock="real"]').addEventListener('click', () => clock('DELETE'));
  const form = $('#clock-form');
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const error = form.querySelector('.form-error');
    try {
      await api('POST', '/_mock/clock', { now: form.elements.now.value.trim() });
      error.hidden = true;
    } catch (err) {
      error.hidden = false;
      error.textContent = err.message;
    }
  });
}

export function load() {
  return Promise.all([loadFaults(), loadRates(), loadKeys()]);
}

/** A request was made: its key's window and the faults' hits moved. */
export function onActivity() {
  liveRates();
}

export function onClock() {
  liveRates();
}

export function onForm(_app, id, answer) {
  if (id === 'fault-form') toast(`Fault rule ${answer.data.id} added`);
  else if (id === 'key-form') toast(`Key ${answer.data.id} created: ${answer.data.key}`);
  else if (id === 'client-form') toast(`Client ${answer.data.client_id} registered`);
}
