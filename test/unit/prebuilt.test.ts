import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FIXTURES } from '../../src/config.js';
import { buildFixtures } from '../../src/store/fixtures.js';
import { readPrebuilt, writePrebuilt } from '../../src/store/prebuilt.js';

/** A copy of the bundled fixtures in a directory of its own (buildFixtures caches by directory). */
function copyOfFixtures(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'cfm-prebuilt-')), 'fixtures');
  cpSync(DEFAULT_FIXTURES, dir, { recursive: true });
  return dir;
}

describe('fixtures prebuilt at build time', () => {
  it('are what generating gives, record for record and in the same order', async () => {
    const dir = copyOfFixtures();
    const file = join(dir, '..', 'prebuilt.json');
    const generated = await buildFixtures({ dir, seed: 5, prebuilt: '' });
    writePrebuilt(file, dir, 5, generated);
    const loaded = readPrebuilt(file, dir, 5);
    expect(JSON.stringify(loaded)).toBe(JSON.stringify(generated));
  });

  it('are used by buildFixtures when they match, and ignored for another seed, a changed file or a broken one', async () => {
    const dir = copyOfFixtures();
    const file = join(dir, '..', 'prebuilt.json');
    const generated = await buildFixtures({ dir, seed: 6, prebuilt: '' });
    // A marker only a prebuilt file can hold shows which path was taken.
    const marked = structuredClone(generated);
    marked.workspace.name = 'From the prebuilt file';
    writePrebuilt(file, dir, 6, marked);
    expect(readPrebuilt(file, dir, 6)?.workspace.name).toBe('From the prebuilt file');
    expect(readPrebuilt(file, dir, 7)).toBeUndefined();
    // Made from the same files and seed, wherever they are: used.
    const used = copyOfFixtures();
    writePrebuilt(file, used, 6, marked);
    expect((await buildFixtures({ dir: used, seed: 6, prebuilt: file })).workspace.name).toBe('From the prebuilt file');
    const changed = copyOfFixtures();
    writeFileSync(join(changed, 'generate.json'), '{"totals":{"tickets":3}}');
    expect(readPrebuilt(file, changed, 6)).toBeUndefined();
    expect((await buildFixtures({ dir: changed, seed: 6, prebuilt: file })).workspace.name).toBe(generated.workspace.name);
    writeFileSync(file, '{"fingerprint":');
    expect(readPrebuilt(file, used, 6)).toBeUndefined();
  });
});
