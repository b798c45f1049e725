// Every call the inspector makes goes through here: the documented /_mock and /v1 endpoints, with
// the admin token (asked for once, kept for the tab) when the server wants one.
const TOKEN = 'commflow-mock-admin-token';

export class ApiFailure extends Error {
  constructor(status, body) {
    const e = body?.error;
    super(typeof e === 'object' && e ? e.message : typeof e === 'string' ? `${e}: ${body.error_description ?? ''}` : `HTTP ${status}`);
    this.status = status;
    this.param = typeof e === 'object' && e ? e.param : null;
    this.code = typeof e === 'object' && e ? e.code : e;
  }
}

let asking;

/** Asks for the admin token (once for all callers waiting), keeps it for this tab. */
export function askToken(refused) {
  asking ??= new Promise((resolve) => {
    const dialog = document.getElementById('token-dialog');
    const form = document.getElementById('token-form');
    const input = document.getElementById('token-input');
    const error = form.querySelector('.form-error');
    error.hidden = !refused;
    error.textContent = refused ? 'That token was refused; try again.' : '';
    form.addEventListener(
      'submit',
      () => {
        sessionStorage.setItem(TOKEN, input.value);
        input.value = '';
        asking = undefined;
        resolve();
      },
      { once: true },
    );
    dialog.showModal();
    input.focus();
  });
  return asking;
}

/** Headers for the control plane (the admin token, when one was given). */
export function controlHeaders() {
  const token = sessionStorage.getItem(TOKEN);
  return token ? { authorization: `Bearer ${token}` } : {};
}

/**
 * `api('POST', '/_mock/faults', body)` → the parsed JSON answer (null for 204); throws ApiFailure
 * with the error's message and param. `key` calls /v1 as that API key.
 */
export async function api(method, path, body, { key } = {}) {
  for (;;) {
    const headers = { accept: 'application/json', ...(key ? { authorization: `Bearer ${key}` } : controlHeaders()) };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = { error: { message: text.slice(0, 200) } };
    }
    if (res.status === 401 && !key && data?.error?.code === 'invalid_admin_token') {
      await askToken(Boolean(sessionStorage.getItem(TOKEN)));
      continue;
    }
    if (!res.ok) throw new ApiFailure(res.status, data);
    return data;
  }
}
