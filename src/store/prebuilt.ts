import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dict } from './dict.js';
import { COLLECTIONS, type WorkspaceData } from './types.js';

/**
 * Fixtures generated at build time, so that a start on the default fixtures imports no faker
 * (about 130 ms) and generates nothing. Each file says what it was made from: the fixture
 * directory's files, the seed and the generator's own code. A start uses it only if all three
 * are the same now, and generates otherwise (a changed fixture file, another seed, a tsc-only build).
 */
export const PREBUILT_FILE = fileURLToPath(new URL('../fixtures-prebuilt.json', import.meta.url));

/** The modules whose code decides what is generated, beside this one (.js in dist, .ts in src). */
const GENERATOR = ['factories', 'fixtures', 'random', 'ids'].map(
  (name) => new URL(`./${name}${import.meta.url.slice(import.meta.url.lastIndexOf('.'))}`, import.meta.url),
);

interface Prebuilt {
  fingerprint: string;
  data: WorkspaceData;
}

/** What generated fixtures depend on, as one hash. */
export function fingerprint(dir: string, seed: number): string {
  const hash = createHash('sha256').update(`seed ${seed}\n`);
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()) {
    hash.update(`file ${name}\n`).update(readFileSync(join(dir, name)));
  }
  for (const url of GENERATOR) hash.update(`code ${url.pathname.split('/').pop()}\n`).update(readFileSync(url));
  return hash.digest('hex');
}

/** The prebuilt fixtures in `file` if they were made from `dir` and `seed` as they are now. */
export function readPrebuilt(file: string, dir: string, seed: number): WorkspaceData | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const prebuilt = JSON.parse(text) as Prebuilt;
    if (prebuilt.fingerprint !== fingerprint(dir, seed)) return undefined;
    // Records are looked up by client-given ids: the maps must have no prototype (as generate() makes them).
    for (const c of COLLECTIONS) prebuilt.data.collections[c] = dict(prebuilt.data.collections[c]);
    return prebuilt.data;
  } catch {
    return undefined;
  }
}

export function writePrebuilt(file: string, dir: string, seed: number, data: WorkspaceData): void {
  writeFileSync(file, JSON.stringify({ fingerprint: fingerprint(dir, seed), data } satisfies Prebuilt));
}
