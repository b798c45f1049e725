// --data: acknowledged writes per second, and what a write costs when the file holds many workspaces.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUTH, firstOk, load, mockArgs, start, stop } from './lib.mjs';

const POST = { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' }, body: JSON.stringify({ subject: 'Bench ticket', priority: 'high' }) };

/** POST /v1/tickets against a fresh --data file holding `workspaces` workspaces (default fixtures each). */
async function writes(workspaces, connections) {
  const file = join(mkdtempSync(join(tmpdir(), 'cfm-bench-data-')), 'state.json');
  const mock = await start(mockArgs('--data', file));
  await firstOk(`${mock.url}/v1/me`, AUTH);
  for (let i = 1; i < workspaces; i++) {
    const res = await fetch(`${mock.url}/_mock/workspaces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: `w${i}` }),
    });
    if (res.status !== 201) throw new Error(`workspace ${i}: ${res.status} ${await res.text()}`);
  }
  await load(`${mock.url}/v1/tickets`, { ...POST, connections, duration: 1 });
  const result = await load(`${mock.url}/v1/tickets`, { ...POST, connections });
  await stop(mock.proc);
  return { workspaces, connections, ...result };
}

export async function storageRows(connections) {
  return [await writes(1, 50), await writes(1, connections), await writes(60, connections)];
}
