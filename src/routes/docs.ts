import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Hono } from 'hono';
import { specYamlPath, type Spec } from '../openapi/spec.js';
import type { AppEnv } from '../context.js';
import { DEFAULT_KEYS } from '../store/store.js';

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

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
  <div id="playground"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script>
    fetch('/openapi.json').then((r) => r.json()).then((spec) => {
      spec.servers = [{ url: window.location.origin, description: 'This commflow-mock' }];
      const ui = SwaggerUIBundle({
        spec, dom_id: '#playground', deepLinking: true, persistAuthorization: false,
        tryItOutEnabled: true, displayRequestDuration: true,
        onComplete: () => ui.preauthorizeApiKey('apiKey', '${DEFAULT_KEYS.test}'),
      });
      window.ui = ui;
    });
  </script>
</body>
</html>`;
}

/** /openapi.yaml, /openapi.json and the offline playground at /docs (Swagger UI, no CDN). */
export function registerDocs(app: Hono<AppEnv>, spec: Spec): void {
  const assetsDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  let yaml: Promise<string> | undefined;
  app.get('/openapi.yaml', async (c) => {
    yaml ??= readFile(specYamlPath, 'utf8');
    return c.body(await yaml, 200, { 'content-type': 'application/yaml; charset=utf-8' });
  });
  app.get('/openapi.json', (c) => c.json(spec));
  app.get('/docs', (c) => c.html(page()));
  app.get('/docs/', (c) => c.redirect('/docs'));
  for (const [file, type] of Object.entries(ASSETS)) {
    let content: Promise<Buffer> | undefined;
    app.get(`/docs/${file}`, async (c) => {
      content ??= readFile(join(assetsDir, file));
      return c.body(new Uint8Array(await content), 200, { 'content-type': type, 'cache-control': 'public, max-age=3600' });
    });
  }
}
