// npm run test:recipes — every recipe in README.md, run as written in a throwaway project.
// A recipe is a code block preceded by `<!-- recipe: <project>/<file> -->`; the blocks of one project
// are written to one directory. Each ts/js block of the README must be such a recipe. The project gets
// the packed tarball (from a clean copy of the tree, see pack-clean.mjs) plus vitest, jest, typescript
// and @types/node from the registry; the TypeScript recipes are type-checked, then every project runs
// on the machine's Node and on each line of NODE_LINES (22 and 24), and must print what it promises.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { envFor, NODE_LINES, nodeBin, nodeVersion } from './node-lines.mjs';
import { packCleanTree } from './pack-clean.mjs';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** How each project is run, and what its output must show (stdout and stderr together). */
const PROJECTS = {
  'in-process': { cmd: ['node', 'main.mjs'], expect: /^200$/m },
  commonjs: { cmd: ['node', 'main.js'], expect: /^200$/m },
  webhooks: { cmd: ['node', 'receiver.mjs'], expect: /\[ 'ticket\.created: Printer on fire' \]/ },
  vitest: { cmd: ['npx', 'vitest', 'run'], expect: /Tests\s+2 passed \(2\)/ },
  jest: { cmd: ['npx', 'jest'], expect: /Tests:\s+1 passed, 1 total/ },
};

const recipes = [...readme.matchAll(/<!-- recipe: ([\w-]+)\/([\w.-]+) -->\n```\w*\n([\s\S]*?)```/g)].map((m) => ({ project: m[1], file: m[2], code: m[3] }));
const codeBlocks = [...readme.matchAll(/^```(ts|js|mjs|cjs|typescript|javascript)$/gm)].length;
if (codeBlocks !== recipes.length)
  throw new Error(`README.md has ${codeBlocks} ts/js blocks but ${recipes.length} marked <!-- recipe: project/file -->: mark each one`);
const projects = [...new Set(recipes.map((r) => r.project))];
const unknown = projects.filter((p) => !PROJECTS[p]);
if (unknown.length) throw new Error(`no way to run the README recipe project(s) ${unknown.join(', ')}: add them to PROJECTS in ${import.meta.url}`);
const absent = Object.keys(PROJECTS).filter((p) => !projects.includes(p));
if (absent.length) throw new Error(`README.md no longer has the recipe(s) ${absent.join(', ')}`);

const dir = mkdtempSync(join(tmpdir(), 'commflow-recipes-'));
const run = (cmd, args, cwd, env) => execFileSync(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
try {
  const packed = packCleanTree(dir);
  rmSync(packed.tree, { recursive: true, force: true });
  // A CommonJS project (no "type"), as most Jest users have; the ES module recipes are .mjs or TypeScript.
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'recipes', private: true }));
  // The tools come as published up to a fixed day (RECIPES_BEFORE, "latest" for today's): a new
  // release upstream, or one the registry serves only in part (@babel/core 7.29.16 asking for an
  // @babel/parser the registry did not have yet, 2026-12-04), must not fail a run that changed nothing.
  const before = process.env.RECIPES_BEFORE ?? '2026-12-01';
  const pinned = before === 'latest' ? [] : [`--before=${before}`];
  run('npm', ['install', '--no-audit', '--no-fund', ...pinned, packed.path, 'vitest', 'jest', 'typescript', '@types/node'], dir);
  for (const r of recipes) {
    mkdirSync(dirname(join(dir, r.project, r.file)), { recursive: true });
    writeFileSync(join(dir, r.project, r.file), r.code);
  }
  const tsFiles = recipes.filter((r) => r.file.endsWith('.ts')).map((r) => `${r.project}/${r.file}`);
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { module: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: true, types: ['node'] },
      files: tsFiles,
    }),
  );
  run('npx', ['tsc', '-p', 'tsconfig.json'], dir);
  console.log(`recipes: ${tsFiles.length} TypeScript files type-check`);

  for (const bin of [undefined, ...NODE_LINES.map(nodeBin)]) {
    const env = { ...envFor(bin), CI: '1', FORCE_COLOR: '0', NO_COLOR: '1' };
    const version = nodeVersion(env);
    for (const project of projects) {
      const { cmd, expect } = PROJECTS[project];
      const res = spawnSync(cmd[0], cmd.slice(1), { cwd: join(dir, project), env, encoding: 'utf8', timeout: 60_000 });
      const out = `${res.stdout}${res.stderr}`;
      if (res.status !== 0 || !expect.test(out)) {
        throw new Error(`README recipe "${project}" on Node ${version}: exit ${res.status ?? res.signal}, expected ${expect} in:\n${out}`);
      }
      console.log(`recipes: ${project} ok on Node ${version}`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
