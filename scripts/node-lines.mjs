// The Node lines package.json's engines declares, fetched from the npm registry (it serves Node
// itself as the `node` package), cached in the temp dir. Each is a directory to put first in PATH,
// so `node`, `npm` and `npx` (whose shebang is `/usr/bin/env node`) run on that line.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Node lines under test besides the machine's own: NODE_LINES="22,24" by default. */
export const NODE_LINES = (process.env.NODE_LINES ?? '22,24').split(',').filter(Boolean);

/**
 * The lowest version of each line `engines.node` admits ("^22.19.0 || >=24" gives 22.19.0 and 24.0.0):
 * an install with --engine-strict there proves every dependency accepts the whole declared range.
 */
export function engineMinimums() {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return pkg.engines.node.split('||').map((alt) => {
    const m = /^\s*(?:\^|>=)\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$/.exec(alt);
    if (!m) throw new Error(`engines.node: cannot read the lower bound of "${alt.trim()}"`);
    return `${m[1]}.${m[2] ?? 0}.${m[3] ?? 0}`;
  });
}

/** The bin directory of Node `spec` (a major such as 22 for its newest release, or an exact version), installed from the registry on first use. */
export function nodeBin(spec) {
  const prefix = join(tmpdir(), `commflow-node-${spec}`);
  const bin = join(prefix, 'node_modules', 'node', 'bin');
  if (!existsSync(join(bin, 'node'))) {
    execFileSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `node@${spec}`], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  return bin;
}

/** The environment that runs `node`/`npm`/`npx` on the line whose bin dir is given (the machine's own when undefined). */
export function envFor(bin) {
  return bin ? { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH}` } : { ...process.env };
}

/** The version `node` runs in that environment. */
export function nodeVersion(env) {
  return execFileSync('node', ['-v'], { env, encoding: 'utf8' }).trim();
}
