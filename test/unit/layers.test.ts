import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The floors of src/, lowest first. A file may import from a lower floor, or from its own
 * folder on the same floor; never upwards, never in a circle (type-only imports included).
 * A new file goes where its folder is; a new folder needs a floor here.
 */
const FLOORS: string[][] = [
  ['errors.ts', 'clock.ts', 'logger.ts', 'version.ts', 'limits.ts', 'loopback.ts', 'text-match.ts', 'feed.ts'],
  ['openapi/'],
  ['store/'],
  ['config.ts', 'context.ts'],
  ['resources/', 'auth/'],
  ['webhooks/'],
  ['middleware/'],
  ['conformance/'],
  ['deps.ts'],
  ['control.ts'],
  ['inspector/'],
  ['routes/'],
  ['app.ts'],
  ['server.ts'],
  ['cli.ts', 'index.ts', 'vitest.ts'],
];

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

const floorOf = (file: string): number => {
  const rel = relative(SRC, file);
  const floor = FLOORS.findIndex((names) => names.some((n) => (n.endsWith('/') ? rel.startsWith(n) : rel === n)));
  if (floor < 0) throw new Error(`src/${rel} has no floor in test/unit/layers.test.ts`);
  return floor;
};

/** Every local import of a file (static, type-only and dynamic), as absolute .ts paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:^import\s[^;]*?from\s+|^export\s[^;]*?from\s+|import\()\s*['"](\.[^'"]+)['"]/gm)].map((m) => m[1]!);
  // `./page.js` is page.ts or page.tsx (JSX), whichever exists.
  return specs.map((s) => {
    const base = resolve(dirname(file), s.replace(/\.js$/, ''));
    return existsSync(`${base}.tsx`) ? `${base}.tsx` : `${base}.ts`;
  });
}

const all = files(SRC);
const graph = new Map(all.map((f) => [f, importsOf(f)]));

describe('the layers of src/', () => {
  it('every file has a floor', () => {
    for (const f of all) expect(() => floorOf(f)).not.toThrow();
  });

  it('no import points up a floor, or sideways into another folder', () => {
    const wrong: string[] = [];
    for (const [from, targets] of graph) {
      for (const to of targets) {
        const [a, b] = [floorOf(from), floorOf(to)];
        if (b < a || (b === a && dirname(from) === dirname(to))) continue;
        wrong.push(`${relative(SRC, from)} → ${relative(SRC, to)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('no import circle', () => {
    const state = new Map<string, 'open' | 'done'>();
    const circles: string[] = [];
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        circles.push([...path.slice(path.indexOf(f)), f].map((p) => relative(SRC, p)).join(' → '));
        return;
      }
      state.set(f, 'open');
      for (const to of graph.get(f) ?? []) visit(to, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of all) visit(f, []);
    expect(circles).toEqual([]);
  });
});
