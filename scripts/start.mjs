// npm start: builds only when src/, openapi.yaml, the tsconfigs or the build step changed since the
// last build (see build-state.mjs), then runs the CLI in this process with the arguments given.
import { spawnSync } from 'node:child_process';
import { isBuildCurrent, recordBuild } from './build-state.mjs';

const root = new URL('..', import.meta.url).pathname;
if (!isBuildCurrent(root)) {
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  recordBuild(root);
}
await import(new URL('../dist/cli.js', import.meta.url).href);
