import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createMockServer } from '../../src/index.js';

/**
 * The README's shell examples, run as written against a live server (only the address changes).
 * `npm ci && npm test` is what .ci/run itself runs; the Docker commands are covered by
 * `npm run test:docker`, which performs the Dockerfile's steps.
 */
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((b) => !b.includes('npm ci') && !b.includes('docker '));

describe('the README', () => {
  it('has runnable shell examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4);
  });

  it.each(blocks.map((b, i) => [i, b] as const))('shell block %i runs against the mock', async (_i, block) => {
    const mock = await createMockServer({ port: 0, logLevel: 'silent' });
    try {
      const script = `set -euo pipefail\n${block.replaceAll('http://127.0.0.1:4010', mock.url)}`;
      // Asynchronously: the server answering curl lives in this very process.
      const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn('bash', ['-c', script]);
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c));
        child.stderr.on('data', (c: Buffer) => (stderr += c));
        child.once('exit', (status) => resolve({ status, stdout, stderr }));
      });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      if (block.includes('/v1/me')) expect(run.stdout).toContain('"id":"user_123"');
      if (block.includes('Prefer: code=429')) expect(run.stdout).toMatch(/HTTP\/1\.1 429/);
      if (block.includes('oauth/authorize')) {
        expect(run.stdout).toMatch(/callback\?code=cfac_[^&]+&state=xyz/);
        expect(run.stdout).toContain('"token_type":"Bearer"');
        expect(run.stdout).toContain('{"active":false}');
      }
      if (block.includes('/_mock/faults')) expect(run.stdout).toContain('"status":503');
      if (block.includes('/_mock/scenarios')) {
        // Each comment after a command is what it prints.
        const said = [...block.matchAll(/^# ((?:GET|The walk|Expected| {2}req_| {4}path)[^\n]*)$/gm)].map((m) => m[1]!.replace(/ at 2026-….*$/, ''));
        expect(said.length).toBeGreaterThanOrEqual(5);
        for (const line of said) expect(run.stdout).toContain(line);
        expect(run.stdout.match(/^passed$/gm)).toHaveLength(2);
      }
    } finally {
      await mock.close();
    }
  });
});
