// Whether dist/ is the build of the current sources, so `npm start` rebuilds only after a change.
// The inputs: src/, openapi.yaml, fixtures/, the tsconfigs, package-lock.json (the dependencies whose
// files or output a build step copies), the build steps in scripts/ and the build command itself.
// The record lives outside dist/ (it is never packed) and names the mtime of dist/openapi.json,
// the last file a build writes: a build made by other means, or a deleted dist/, invalidates it.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const INPUTS = ['src', 'openapi.yaml', 'fixtures', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];
/** The build steps: scripts/build-*.mjs, and any other script the build command names. */
const buildSteps = (root, build) => {
  const named = [...build.matchAll(/(scripts\/[\w./-]+\.[cm]?js)/g)].map((m) => m[1]);
  const steps = readdirSync(join(root, 'scripts'), { withFileTypes: true }).filter(
    (e) => e.isFile() && /^build-.*\.[cm]?js$/.test(e.name) && e.name !== 'build-state.mjs',
  );
  return [...new Set([...named, ...steps.map((e) => `scripts/${e.name}`)])].sort();
};
const OUTPUTS = ['dist/cli.js', 'dist/index.js', 'dist/openapi.json'];
const RECORD = 'node_modules/.cache/commflow-mock/build.json';

const files = (root, p) => {
  const abs = join(root, p);
  if (!existsSync(abs)) return [];
  if (!statSync(abs).isDirectory()) return [abs];
  return readdirSync(abs)
    .sort()
    .flatMap((f) => files(root, join(p, f)));
};

/** A hash of every input of `npm run build` (paths and contents). */
export function sourceHash(root) {
  const hash = createHash('sha256');
  const build = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts?.build ?? '';
  hash.update(`build script\0${build}\0`);
  const inputs = existsSync(join(root, 'scripts')) ? [...INPUTS, ...buildSteps(root, build)] : INPUTS;
  for (const file of inputs.flatMap((p) => files(root, p)))
    hash
      .update(`${relative(root, file)}\0`)
      .update(readFileSync(file))
      .update('\0');
  return hash.digest('hex');
}

const outputMtime = (root) => statSync(join(root, 'dist/openapi.json')).mtimeMs;

/** True when dist/ holds the build of the sources as they are now. */
export function isBuildCurrent(root) {
  if (!OUTPUTS.every((f) => existsSync(join(root, f)))) return false;
  try {
    const record = JSON.parse(readFileSync(join(root, RECORD), 'utf8'));
    return record.hash === sourceHash(root) && record.outputMtimeMs === outputMtime(root);
  } catch {
    return false;
  }
}

/** Records that dist/ was just built from the current sources. */
export function recordBuild(root) {
  const file = join(root, RECORD);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ hash: sourceHash(root), outputMtimeMs: outputMtime(root) }));
}
