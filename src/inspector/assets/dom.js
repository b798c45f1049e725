// Small DOM helpers for the inspector: elements from plain data (text only: nothing is parsed
// as HTML, so no value shown can inject markup), timestamps, badges, a toast.

/** `h('td', { class: 'x' }, 'text', child)`: an element; `on*` attributes are listeners, `null` ones are left out. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** A table's rows replaced; its "empty" note shown when there are none. */
export function fillTable(id, rows) {
  const table = document.getElementById(id);
  fill(table.tBodies[0], rows);
  syncEmpty(table);
}

export function syncEmpty(table) {
  const note = document.querySelector(`[data-empty-for="${table.id}"]`);
  if (note) note.hidden = table.tBodies[0].rows.length > 0;
}

const pad = (n, w = 2) => String(n).padStart(w, '0');

/** `2026-07-01 12:00:05Z` (the mock clock, UTC) and `14:00:05` (the same instant, local time). */
export function times(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return { mock: String(iso), local: '' };
  const mock = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}Z`;
  const local = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return { mock, local };
}

let today = '';

/** The mock clock's date (`2026-07-01`): `when(…, true)` leaves it out of times on that day. */
export function setToday(date) {
  today = date;
}

/** A timestamp as an element: mock time (its date left out in a table when it is today's), then local time. */
export function when(iso, compact = false) {
  if (!iso) return h('span', { class: 'muted' }, '—');
  const t = times(iso);
  const mock = compact && t.mock.startsWith(`${today} `) ? t.mock.slice(11) : t.mock;
  return h('time', { datetime: iso, title: `${iso} on the mock clock; ${new Date(iso).toString()} here` }, mock, ' ', h('span', { class: 'local' }, t.local));
}

export function badge(text, kind) {
  return h('span', { class: `badge ${kind ?? ''}` }, text);
}

export function statusBadge(status) {
  const kind = status >= 500 || status < 0 ? 'bad' : status >= 400 ? 'warn' : status >= 300 ? 'info' : 'ok';
  return badge(status < 0 ? 'error' : String(status), kind);
}

export function json(value) {
  return h(
    'pre',
    { class: 'json', tabindex: 0 },
    value === null || value === undefined ? '(empty)' : typeof value === 'string' ? value : JSON.stringify(value, null, 2),
  );
}

/** A two-column list of names and values (headers). */
export function pairs(obj) {
  const entries = Object.entries(obj ?? {});
  if (!entries.length) return h('p', { class: 'muted' }, '(none)');
  return h(
    'dl',
    { class: 'pairs' },
    entries.map(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v))]),
  );
}

let toastTimer;
export function toast(message, kind = 'ok') {
  const el = document.getElementById('toast');
  el.className = `show ${kind}`;
  el.textContent = message;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    el.className = '';
  }, 4000);
}

/** Runs `fn` at most once per `ms`, the last call winning (a burst of events → one reload). */
export function throttle(fn, ms) {
  let timer;
  let again = false;
  return () => {
    if (timer) {
      again = true;
      return;
    }
    fn();
    timer = setTimeout(function next() {
      timer = undefined;
      if (again) {
        again = false;
        fn();
        timer = setTimeout(next, ms);
      }
    }, ms);
  };
}

/** A button that acts on a second press within 4 s (the first one asks): for what cannot be undone. */
export function confirmButton(label, confirmLabel, action) {
  let armed;
  const button = h('button', {
    type: 'button',
    class: 'danger',
    onclick: async () => {
      if (!armed) {
        button.textContent = confirmLabel;
        armed = setTimeout(() => {
          armed = undefined;
          button.textContent = label;
        }, 4000);
        return;
      }
      clearTimeout(armed);
      armed = undefined;
      button.textContent = label;
      await action();
    },
  });
  button.textContent = label;
  return button;
}
