import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const text = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8').replace(/\\\n/g, ' ');
const lines = text
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
const ops = (name: string) => lines.filter((l) => l.toUpperCase().startsWith(`${name} `));
const stages = text.split(/^FROM /m).slice(1);
const ignore = readFileSync(new URL('../../.dockerignore', import.meta.url), 'utf8')
  .split('\n')
  .map((l) => l.trim());

/** A structural lint of the Dockerfile (no Docker engine here; scripts/docker-steps.mjs runs its steps). */
describe('Dockerfile', () => {
  it('is multi-stage on an official Node LTS image pinned by full version', () => {
    const froms = ops('FROM');
    expect(froms).toHaveLength(2);
    for (const f of froms) expect(f).toMatch(/^FROM node:(20|22|24)\.\d+\.\d+-(bookworm-slim|alpine\d*\.?\d*)( AS \w+)?$/);
  });

  it('installs production dependencies only in the final stage and runs as non-root', () => {
    const final = stages.at(-1)!;
    expect(final).toMatch(/npm ci --omit=dev/);
    expect(final).not.toMatch(/npm ci(?! --omit=dev)/);
    expect(final).toMatch(/COPY --from=build \/app\/dist/);
    expect(final).toMatch(/^USER node$/m);
  });

  it('listens on 0.0.0.0:4010 and checks its health with Node, no curl', () => {
    expect(text).toMatch(/COMMFLOW_MOCK_HOST=0\.0\.0\.0/);
    expect(ops('EXPOSE')).toEqual(['EXPOSE 4010']);
    const health = ops('HEALTHCHECK')[0]!;
    expect(health).toContain('/_mock/health');
    expect(health).toMatch(/CMD \["node", "-e"/);
    expect(text).not.toMatch(/curl|wget/);
  });

  it('starts the CLI in exec form (node is PID 1 and gets SIGTERM itself)', () => {
    const cmd = ops('CMD').at(-1)!;
    expect(JSON.parse(cmd.slice(4))).toEqual(['node', 'dist/cli.js']);
  });

  it('copies only what it needs; .dockerignore keeps local builds and modules out', () => {
    for (const c of ops('COPY')) expect(c).not.toMatch(/COPY \. /);
    for (const entry of ['node_modules', 'dist', '.git']) expect(ignore).toContain(entry);
  });
});
