// The forms the server built from openapi.yaml (class="schema-form"): what is filled in is sent
// as JSON to the form's endpoint; the spec's validation answers, and a 422 marks its field.
import { api } from './api.js';

/** The JSON body of a form: empty fields are left out, each field read as its `data-type` says. */
export function readForm(form) {
  const body = {};
  for (const field of form.querySelectorAll('[data-field]')) {
    const name = field.dataset.field;
    const type = field.dataset.type ?? field.querySelector('[data-type]')?.dataset.type;
    if (type === 'array') {
      const values = [...field.querySelectorAll('input:checked')].map((i) => i.value);
      if (values.length) body[name] = values;
      continue;
    }
    const input = field.querySelector('[name]');
    if (!input) continue;
    if (type === 'boolean') {
      if (input.checked) body[name] = true;
    } else if (type === 'lines') {
      const lines = input.value
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
      if (lines.length) body[name] = lines;
    } else if (input.value.trim() !== '') {
      body[name] = type === 'integer' || type === 'number' ? Number(input.value) : input.value.trim();
    }
  }
  return body;
}

function showError(form, err) {
  const box = form.querySelector('.form-error');
  for (const f of form.querySelectorAll('[aria-invalid]')) f.removeAttribute('aria-invalid');
  if (!err) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  box.textContent = err.message;
  const field = err.param && form.querySelector(`[data-field="${CSS.escape(err.param.split('.')[0].split('[')[0])}"] [name]`);
  if (field) {
    field.setAttribute('aria-invalid', 'true');
    field.focus();
  }
}

/**
 * Wires every schema form: submit sends it, then `done(id, answer, form)` runs (a view reloads).
 * A form's `{id}` in its endpoint is filled from `form.dataset.id` (set when something is selected),
 * `data-query` is added to its URL and `data-extra` (JSON) to its body.
 */
export function wireForms(done) {
  for (const form of document.querySelectorAll('form.schema-form')) {
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const path = form.dataset.endpoint.replace('{id}', encodeURIComponent(form.dataset.id ?? ''));
      const query = form.dataset.query ? `?${form.dataset.query}` : '';
      const button = form.querySelector('button[type="submit"]');
      button.disabled = true;
      try {
        const extra = form.dataset.extra ? JSON.parse(form.dataset.extra) : {};
        const answer = await api(form.dataset.method, path + query, { ...readForm(form), ...extra });
        showError(form, null);
        done(form.id, answer, form);
      } catch (err) {
        showError(form, err);
      } finally {
        button.disabled = false;
      }
    });
  }
}
