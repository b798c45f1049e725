// The inspector's script: views shown by the URL's hash, data from the documented endpoints,
// kept live by GET /_mock/stream. No framework: each view fills its server-rendered tables.
import { api } from './api.js';
import * as controls from './controls.js';
import { $, $$, fill, h, setToday, throttle, times } from './dom.js';
import { wireForms } from './forms.js';
import * as requests from './requests.js';
import * as state from './state.js';
import { follow } from './stream.js';
import * as webhooks from './webhooks.js';

const VIEWS = { requests, webhooks, state, controls };

/** What the views share: the workspaces, the mock clock, which view shows. */
const app = {
  view: 'requests',
  stats: { workspaces: [] },
  clock: { now: new Date().toISOString(), frozen: false, offset_ms: 0, seenAt: Date.now() },
  /** The mock clock's time now (ms): frozen, or running from what it said, at its offset. */
  mockNow() {
    return this.clock.frozen ? Date.parse(this.clock.now) : Date.now() + this.clock.offset_ms;
  },
  get workspaceIds() {
    return this.stats.workspaces.map((w) => w.workspace.id);
  },
};

function setClock(clock) {
  app.clock = { ...clock, seenAt: Date.now() };
  showClock();
}

function showClock() {
  const iso = new Date(app.mockNow()).toISOString();
  setToday(iso.slice(0, 10));
  const t = times(iso);
  const state = app.clock.frozen ? 'frozen' : app.clock.offset_ms ? `running, ${Math.round(app.clock.offset_ms / 1000)} s from real time` : 'real time';
  fill($('#clock-mock'), t.mock, ' ', h('span', { class: 'local' }, t.local));
  $('#clock-state').textContent = state;
  $('#ctl-clock-mock').textContent = t.mock;
  $('#ctl-clock-local').textContent = new Date(app.mockNow()).toLocaleString();
  $('#ctl-clock-state').textContent = state;
}

/** Every workspace select, filled (keeping what is selected). */
function fillWorkspaceSelects() {
  for (const select of $$('select[data-workspaces]')) {
    const keep = select.value;
    const first = select.hasAttribute('data-required') ? [] : [select.options[0]?.cloneNode(true)].filter(Boolean);
    fill(
      select,
      first,
      app.stats.workspaces.map(({ workspace: w }) => h('option', { value: w.id }, `${w.name} (${w.id})`)),
    );
    if ([...select.options].some((o) => o.value === keep)) select.value = keep;
  }
}

async function loadStats() {
  app.stats = (await api('GET', '/_mock/stats')).data;
  fillWorkspaceSelects();
}

const reloadVisible = throttle(() => {
  loadStats()
    .then(() => VIEWS[app.view].load(app))
    .catch(() => undefined);
}, 300);

/** Shows a view (by the URL's hash); `show` also loads its data. */
function select(view) {
  app.view = Object.hasOwn(VIEWS, view) ? view : 'requests';
  for (const section of $$('main > section.view')) section.hidden = section.id !== app.view;
  for (const a of $$('nav a[data-view]')) {
    if (a.dataset.view === app.view) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function show(view) {
  select(view);
  return VIEWS[app.view].load(app);
}

function onEvent(name, data) {
  if (name === 'ready') {
    setClock(data.clock);
    requests.restart(app); // the backlog follows
  } else if (name === 'clock') {
    setClock(data);
    VIEWS[app.view].onClock?.(app);
  } else if (name === 'request') {
    requests.onRequest(app, data);
    VIEWS[app.view].onActivity?.(app);
  } else if (name === 'delivery') webhooks.onDelivery(app, data);
  else if (name === 'state') reloadVisible();
  else if (name === 'gap') {
    requests.onGap(app, data.dropped);
    reloadVisible();
  }
}

async function start() {
  select(location.hash.slice(1));
  wireForms((id, answer, form) => {
    for (const view of Object.values(VIEWS)) view.onForm?.(app, id, answer, form);
    reloadVisible();
  });
  for (const view of Object.values(VIEWS)) view.init?.(app);
  window.addEventListener('hashchange', () => {
    show(location.hash.slice(1));
    $(`#h-${app.view}`)?.focus?.();
  });
  setInterval(() => {
    if (!app.clock.frozen) showClock();
  }, 1000);
  await loadStats();
  setClock((await api('GET', '/_mock/clock')).data);
  let first = true;
  follow(onEvent, (status) => {
    const live = $('#live');
    live.textContent = status === 'live' ? 'live' : 'reconnecting…';
    live.className = `badge ${status === 'live' ? 'ok' : 'warn'}`;
    // Back after a break: the stream sends the requests again (backlog); the rest is loaded again.
    if (status === 'live' && !first) reloadVisible();
    if (status === 'live' && first) {
      first = false;
      document.documentElement.dataset.ready = 'true';
    }
  });
  await show(location.hash.slice(1));
}

for (const h2 of $$('main h2')) h2.tabIndex = -1;
start().catch((err) => {
  const live = $('#live');
  live.textContent = `error: ${err.message}`;
  live.className = 'badge bad';
});
