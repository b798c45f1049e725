// The tarball as a clean clone packs it: the files git would check out (tracked, plus new files not
// ignored) are copied to a temp dir without dist/, and `npm pack` there must build it (prepack).
// node_modules is linked from this checkout, as `npm ci` would have installed it.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

/** Packs a clean copy of the tree into `dest`; returns npm's description of the tarball plus its path. */
export function packCleanTree(dest) {
  const tree = mkdtempSync(join(tmpdir(), 'commflow-clone-'));
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' });
  for (const file of listed.split('\0').filter(Boolean)) {
    if (!existsSync(join(root, file))) continue; // deleted in the working tree
    mkdirSync(dirname(join(tree, file)), { recursive: true });
    copyFileSync(join(root, file), join(tree, file));
  }
  if (existsSync(join(tree, 'dist'))) throw new Error('the clean copy holds dist/: it would not test prepack');
  symlinkSync(join(root, 'node_modules'), join(tree, 'node_modules'), 'dir');
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dest], { cwd: tree, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  // prepack's output (the build) comes before the JSON on stdout.
  const packed = JSON.parse(out.slice(out.search(/^\[/m)))[0];
  const paths = packed.files.map((f) => f.path);
  const missing = ['dist/cli.js', 'dist/index.js', 'dist/index.d.ts', 'dist/vitest.js', 'dist/openapi.json', 'openapi.yaml'].filter((p) => !paths.includes(p));
  if (missing.length) throw new Error(`the tarball of a clean clone lacks ${missing.join(', ')} (is dist/ built on prepack?)`);
  return { ...packed, path: join(dest, packed.filename), tree };
}
