import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isBuildCurrent, recordBuild, sourceHash } from '../../scripts/build-state.mjs';

/** `npm start` rebuilds only when an input of the build changed (scripts/start.mjs asks build-state). */
describe('build state', () => {
  let root: string;
  const write = (path: string, text: string) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const build = () => {
    for (const f of ['dist/cli.js', 'dist/index.js', 'dist/openapi.json']) write(f, 'built');
    recordBuild(root);
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'commflow-build-state-'));
    write('package.json', JSON.stringify({ scripts: { build: 'tsc -p tsconfig.build.json' } }));
    write('src/app.ts', 'export const a = 1;');
    write('src/routes/docs.ts', 'export const b = 1;');
    write('openapi.yaml', 'openapi: 3.1.0');
    write('tsconfig.json', '{}');
    write('tsconfig.build.json', '{}');
    write('fixtures/tickets.json', '[]');
    write('package-lock.json', '{}');
    write('scripts/build-spec.mjs', '// spec');
    write('scripts/other.mjs', '// not a build step');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('is not current before the first build, and is right after it', () => {
    expect(isBuildCurrent(root)).toBe(false);
    build();
    expect(isBuildCurrent(root)).toBe(true);
  });

  it.each([
    ['a source file changes', () => write('src/routes/docs.ts', 'export const b = 2;')],
    ['a source file is added', () => write('src/new.ts', '')],
    ['a source file is removed', () => rmSync(join(root, 'src/app.ts'))],
    [
      'a source file is renamed',
      () => {
        rmSync(join(root, 'src/app.ts'));
        write('src/app2.ts', 'export const a = 1;');
      },
    ],
    ['a fixture file changes', () => write('fixtures/tickets.json', '[{}]')],
    ['the lockfile changes', () => write('package-lock.json', '{"a":1}')],
    ['a build step changes', () => write('scripts/build-spec.mjs', '// spec 2')],
    ['a build step is added', () => write('scripts/build-more.mjs', '')],
    [
      'a script the build command names changes',
      () => {
        write('package.json', JSON.stringify({ scripts: { build: 'tsc && node scripts/other.mjs' } }));
        build();
        write('scripts/other.mjs', '// changed');
      },
    ],
    ['openapi.yaml changes', () => write('openapi.yaml', 'openapi: 3.1.1')],
    ['tsconfig.build.json changes', () => write('tsconfig.build.json', '{"compilerOptions":{}}')],
    ['the build script changes', () => write('package.json', JSON.stringify({ scripts: { build: 'tsc -b' } }))],
    ['dist/ is deleted', () => rmSync(join(root, 'dist'), { recursive: true })],
    ['dist/ was rebuilt by other means', () => utimesSync(join(root, 'dist/openapi.json'), new Date(), new Date(Date.now() + 60_000))],
  ])('is stale when %s', (_what, change) => {
    build();
    change();
    expect(isBuildCurrent(root)).toBe(false);
  });

  it('ignores what is not an input of the build', () => {
    build();
    write('README.md', 'changed');
    write('test/a.test.ts', 'changed');
    write('scripts/other.mjs', 'changed');
    write('package.json', JSON.stringify({ scripts: { build: 'tsc -p tsconfig.build.json', start: 'other' } }));
    expect(isBuildCurrent(root)).toBe(true);
  });

  it('hashes contents, not timestamps', () => {
    const before = sourceHash(root);
    utimesSync(join(root, 'src/app.ts'), new Date(0), new Date(0));
    expect(sourceHash(root)).toBe(before);
  });
});
