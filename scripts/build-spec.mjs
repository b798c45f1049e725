// Build step: parse openapi.yaml once into dist/openapi.json so start-up skips YAML parsing.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';

const spec = parse(readFileSync(new URL('../openapi.yaml', import.meta.url), 'utf8'));
writeFileSync(new URL('../dist/openapi.json', import.meta.url), JSON.stringify(spec));
chmodSync(new URL('../dist/cli.js', import.meta.url), 0o755);
