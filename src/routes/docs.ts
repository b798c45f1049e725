import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import { specYamlPath, type Spec } from '../openapi/spec.js';
import type { AppEnv } from '../context.js';
import { DEFAULT_KEYS } from '../store/store.js';

/** The Swagger UI files the playground needs; `npm run build` copies them into dist/docs (scripts/build-spec.mjs). */
export const DOCS_ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'oauth2-redirect.html': 'text/html; charset=utf-8',
  'oauth2-redirect.js': 'text/javascript; charset=utf-8',
};

/** The default OAuth client of the fixtures, which accepts any loopback redirect URI (the playground's included). */
const PLAYGROUND_CLIENT = { id: 'commflow_client', secret: 'commflow_secret' };

/**
 * Where the assets are: dist/docs beside the built code (a published package has no
 * swagger-ui-dist, a devDependency), or swagger-ui-dist itself in a checkout not yet built.
 */
function assetsDir(): string {
  const built = fileURLToPath(new URL('../../dist/docs/', import.meta.url));
  if (existsSync(join(built, 'swagger-ui-bundle.js'))) return built;
  try {
    return dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  } catch {
    return built;
  }
}

function page(): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>CommFlow API playground (commflow-mock)</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
  <link rel="icon" href="/docs/favicon-32x32.png">
</head>
<body>
  <p style="margin:0;padding:6px 20px;font:14px sans-serif;background:#1b1b1b;color:#fff">
    commflow-mock: <a href="/_mock/ui" style="color:#8ecbff">live inspector</a> (requests, webhooks, state and controls, as they happen)
  </p>
  <div id="playground"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script>
    fetch('/openapi.json').then((r) => r.text()).then((text) => {
      // The spec names the default address (port 4010: servers, OAuth URLs, redirect_uri examples);
      // the playground talks to whatever origin served it.
      const origin = window.location.origin;
      const spec = JSON.parse(text.replaceAll('http://127.0.0.1:4010', origin));
      spec.servers = [{ url: origin, description: 'This commflow-mock' }];
      const flow = spec.components.securitySchemes.oauth2.flows.authorizationCode;
      const ui = SwaggerUIBundle({
        spec, dom_id: '#playground', deepLinking: true, persistAuthorization: false,
        tryItOutEnabled: true, displayRequestDuration: true,
        oauth2RedirectUrl: origin + '/docs/oauth2-redirect.html',
        responseInterceptor: (res) => {
          // The fixtures hold no webhook and workspace ids are random: once one is created here,
          // its id becomes the example the playground fills in.
          const data = (res.status === 201 || res.status === 200) && res.body && res.body.data;
          const path = data ? new URL(res.url, origin).pathname : '';
          const id = res.status !== 201 ? (path === '/_mock/webhooks/deliveries' && data[0] ? data[0].id : undefined)
            : path === '/v1/webhooks' ? data.id : path === '/_mock/workspaces' ? data.workspace && data.workspace.id : undefined;
          if (typeof id === 'string') {
            const json = ui.specSelectors.specJson().toJS();
            if (path === '/v1/webhooks') json.components.parameters.WebhookId.example = id;
            else if (path === '/_mock/webhooks/deliveries') json.components.parameters.DeliveryId.example = id;
            else json.paths['/_mock/workspaces/{id}'].parameters[0].example = id;
            setTimeout(() => ui.specActions.updateJsonSpec(json));
          }
          return res;
        },
        onComplete: () => ui.preauthorizeApiKey('apiKey', '${DEFAULT_KEYS.test}'),
      });
      ui.initOAuth({
        clientId: '${PLAYGROUND_CLIENT.id}', clientSecret: '${PLAYGROUND_CLIENT.secret}',
        usePkceWithAuthorizationCodeGrant: true, scopes: Object.keys(flow.scopes),
      });
      window.ui = ui;
    });
  </script>
</body>
</html>`;
}

/** /openapi.yaml, /openapi.json and the offline playground at /docs (Swagger UI, no CDN). */
export function registerDocs(app: Hono<AppEnv>, spec: Spec): void {
  const dir = assetsDir();
  let yaml: Promise<string> | undefined;
  app.get('/openapi.yaml', async (c) => {
    yaml ??= readFile(specYamlPath, 'utf8');
    return c.body(await yaml, 200, { 'content-type': 'application/yaml; charset=utf-8' });
  });
  let specJson: string | undefined;
  app.get('/openapi.json', (c) => {
    specJson ??= JSON.stringify(spec); // once, on first use (not at start)
    return c.body(specJson, 200, { 'content-type': 'application/json' });
  });
  const html = page();
  app.get('/docs', (c) => c.html(html));
  app.get('/docs/', (c) => c.redirect('/docs'));
  for (const [file, type] of Object.entries(DOCS_ASSETS)) {
    let content: Promise<Buffer> | undefined;
    app.get(`/docs/${file}`, async (c) => {
      content ??= readFile(join(dir, file));
      // A failed read is not kept: the next request tries again.
      const bytes = await content.catch((err: unknown) => {
        content = undefined;
        throw err;
      });
      return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { 'content-type': type, 'cache-control': 'public, max-age=3600' });
    });
  }
}
