import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface LockEntry {
  dev?: boolean;
  devOptional?: boolean;
  hasInstallScript?: boolean;
}
const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as { packages: Record<string, LockEntry> };
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> };

/** A sandbox makes no outside calls at install time: `npm install commflow-mock` runs no install script (swagger-ui-dist pulls @scarf/scarf's telemetry). */
describe('installing the package', () => {
  it('runs no install script of any production dependency', () => {
    const scripted = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && entry.hasInstallScript && !entry.dev && !entry.devOptional)
      .map(([path]) => path.replace(/^.*node_modules\//, ''));
    expect(scripted).toEqual([]);
  });

  it('needs no swagger-ui-dist at run time: the build copies the playground into dist/docs', () => {
    expect(Object.keys(pkg.dependencies)).not.toContain('swagger-ui-dist');
  });
});
