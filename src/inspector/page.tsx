import type { Spec } from '../openapi/spec.js';
import { ControlsView, RequestsView, StateView, WebhooksView } from './views.js';

/**
 * The inspector page, rendered once per process with Hono's own JSX (hono/jsx: no new
 * dependency, escaped by default, typed components). It holds no data: the script fills it
 * from the documented endpoints (with the admin token it asks for, when the server has one).
 */

const VIEWS: [id: string, name: string][] = [
  ['requests', 'Requests'],
  ['webhooks', 'Webhooks'],
  ['state', 'State'],
  ['controls', 'Controls'],
];

export interface PageAssets {
  /** URL of the style sheet. */
  css: string;
  /** URL of the script (an ES module). */
  js: string;
}

export function renderPage(spec: Spec, version: string, assets: PageAssets): string {
  const page = (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <title>commflow-mock inspector</title>
        <link rel="stylesheet" href={assets.css} />
        <link rel="icon" href="data:," />
        <script type="module" src={assets.js} />
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to the view
        </a>
        <header class="top">
          <h1>
            commflow-mock <span class="muted">inspector</span>
          </h1>
          <nav aria-label="Views">
            <ul>
              {VIEWS.map(([id, name]) => (
                <li>
                  <a href={`#${id}`} data-view={id}>
                    {name}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <p class="status">
            <span id="live" class="badge" role="status">
              connecting…
            </span>
            <span class="clock" title="The mock clock (every timestamp, rate window and retry reads it), and the same instant in your time zone">
              <output id="clock-mock">…</output> <span id="clock-state" class="muted" />
            </span>
          </p>
        </header>
        <main id="main" tabindex={-1}>
          <RequestsView spec={spec} />
          <WebhooksView spec={spec} />
          <StateView spec={spec} />
          <ControlsView spec={spec} />
        </main>
        <footer class="muted">
          commflow-mock {version}: everything here goes through the documented <a href="/docs">/_mock and /v1 endpoints</a>. Timestamps: the mock clock (UTC),
          then your local time.
        </footer>
        <dialog id="token-dialog" aria-labelledby="h-token">
          <form id="token-form" method="dialog">
            <h2 id="h-token">Admin token</h2>
            <p>This server was started with --admin-token: enter it to use the control plane. It is kept for this tab only.</p>
            <label for="token-input">Token</label>
            <input id="token-input" type="password" autocomplete="off" required />
            <p class="form-error" role="alert" hidden />
            <button type="submit">Use token</button>
          </form>
        </dialog>
        <div id="toast" role="status" aria-live="polite" />
      </body>
    </html>
  );
  return `<!doctype html>\n${String(page)}`;
}
