import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/**
 * CommonJS consumers: `require('commflow-mock')` resolves through package.json's exports (the package
 * names itself from its own root) to the built ES module, which Node's require(esm) loads only when
 * nothing in its import graph uses top-level await. Needs dist/ (npm test builds it first).
 */
describe('require("commflow-mock")', () => {
  const root = new URL('../..', import.meta.url).pathname;
  const node = (code: string) => spawnSync(process.execPath, ['-e', code], { cwd: root, encoding: 'utf8' });

  it.each([
    ['commflow-mock', ['createMockServer', 'startServer', 'verifyWebhook', 'signWebhook', 'DEFAULT_KEYS', 'createApp', 'buildDeps']],
    ['commflow-mock/vitest', ['commflowGlobalSetup', 'commflowWorkspace']],
  ])('require(%j) gives the API', (specifier, names) => {
    const run = node(`const m = require(${JSON.stringify(specifier)}); console.log(JSON.stringify(Object.keys(m)));`);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual(expect.arrayContaining(names));
  });

  it('starts a server from CommonJS', () => {
    const run = node(`
      const { createMockServer } = require('commflow-mock');
      (async () => {
        const mock = await createMockServer({ port: 0, logLevel: 'silent' });
        const res = await fetch(mock.url + '/v1/me', { headers: { authorization: 'Bearer ' + mock.apiKey } });
        console.log(res.status, (await res.json()).data.id);
        await mock.close();
      })();`);
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('200 user_123');
  });
});
