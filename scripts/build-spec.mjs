// Build step: parse openapi.yaml once into dist/openapi.json so start-up skips YAML parsing, and
// copy the playground's Swagger UI files into dist/docs, so that swagger-ui-dist (whose install
// pulls a telemetry postinstall) is a devDependency only: the published package serves /docs from
// dist/docs and installs nothing that calls out.
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';

const spec = parse(readFileSync(new URL('../openapi.yaml', import.meta.url), 'utf8'));
writeFileSync(new URL('../dist/openapi.json', import.meta.url), JSON.stringify(spec));
chmodSync(new URL('../dist/cli.js', import.meta.url), 0o755);

/** What /docs serves (src/routes/docs.ts DOCS_ASSETS), plus swagger-ui-dist's licence notices. */
const DOCS_FILES = ['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png', 'oauth2-redirect.html', 'oauth2-redirect.js', 'LICENSE', 'NOTICE'];
const from = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const to = new URL('../dist/docs/', import.meta.url);
mkdirSync(to, { recursive: true });
for (const file of DOCS_FILES) copyFileSync(join(from, file), new URL(file, to));

// The inspector's style sheet and scripts (src/inspector/assets/, plain files tsc does not copy).
const uiFrom = new URL('../src/inspector/assets/', import.meta.url);
const uiTo = new URL('../dist/inspector/assets/', import.meta.url);
rmSync(uiTo, { recursive: true, force: true });
mkdirSync(uiTo, { recursive: true });
for (const file of readdirSync(uiFrom)) copyFileSync(new URL(file, uiFrom), new URL(file, uiTo));
