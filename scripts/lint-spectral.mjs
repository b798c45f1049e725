// Lints openapi.yaml with Spectral's OpenAPI ruleset (spectral:oas), failing on any warning.
// Spectral is not a dependency (its packages bring a telemetry postinstall): npx fetches a pinned
// CLI into npm's cache, with install scripts off, and runs it from a temp dir holding the ruleset.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const spec = fileURLToPath(new URL('../openapi.yaml', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'cfm-spectral-'));
writeFileSync(join(dir, '.spectral.yaml'), 'extends: ["spectral:oas"]\n');
execFileSync(
  'npx',
  ['-y', '-p', '@stoplight/spectral-cli@6.16.3', 'spectral', 'lint', spec, '--ruleset', join(dir, '.spectral.yaml'), '--fail-severity', 'warn'],
  { cwd: dir, stdio: 'inherit', env: { ...process.env, npm_config_ignore_scripts: 'true' } },
);
