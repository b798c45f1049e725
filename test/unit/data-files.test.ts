import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDataFile } from '../../src/store/data-file.js';
import type { DbData, WorkspaceData } from '../../src/store/types.js';

const accept = async (d: unknown) => d as DbData;
const workspace = (id: string, subject: string): WorkspaceData => ({
  workspace: { id, name: id, owner_id: 'user_1', created_at: '2026-01-01T00:00:00Z' },
  seed: 1,
  collections: {
    users: {},
    conversations: {},
    messages: {},
    contacts: {},
    tickets: { ticket_1: { id: 'ticket_1', subject, created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z' } },
    webhooks: {},
    deliveries: {},
  },
});
const state = (...ws: WorkspaceData[]): DbData => ({
  version: 1,
  apiKeys: [],
  workspaces: Object.fromEntries(ws.map((w) => [w.workspace.id, w])),
  idCounters: { ws_a: 3 },
});
const manifestOf = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as { version: number; workspaceFiles: Record<string, string> };

describe('--data: one file per workspace beside a manifest', () => {
  it('writes only the workspaces a change touched, and reads back the whole state', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cfm-files-')), 'state.json');
    const { adapter } = await openDataFile(file, accept);
    await adapter.write(state(workspace('ws_a', 'one'), workspace('ws_b', 'one')));
    const first = manifestOf(file).workspaceFiles;
    const bFile = join(`${file}.d`, first.ws_b!);
    const bWritten = statSync(bFile).mtimeMs;

    adapter.markDirty('ws_a');
    await adapter.write(state(workspace('ws_a', 'two'), workspace('ws_b', 'one')));
    const second = manifestOf(file).workspaceFiles;
    expect(second.ws_b).toBe(first.ws_b);
    expect(statSync(bFile).mtimeMs).toBe(bWritten);
    expect(second.ws_a).not.toBe(first.ws_a);
    // The file it replaced is gone once the manifest names the new one.
    await expect.poll(() => existsSync(join(`${file}.d`, first.ws_a!))).toBe(false);

    const reopened = await openDataFile(file, accept);
    expect(reopened.data).toEqual(state(workspace('ws_a', 'two'), workspace('ws_b', 'one')));
  });

  it('a deleted workspace loses its file; `__proto__` is a workspace id like any other', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cfm-files-')), 'state.json');
    const { adapter } = await openDataFile(file, accept);
    const odd = workspace('__proto__', 'x');
    const both: DbData = {
      ...state(workspace('ws_a', 'one')),
      workspaces: Object.assign(Object.create(null), { ws_a: workspace('ws_a', 'one'), ['__proto__']: odd }),
    };
    await adapter.write(both);
    expect(Object.keys(manifestOf(file).workspaceFiles).sort()).toEqual(['__proto__', 'ws_a']);
    adapter.markDirty('__proto__');
    await adapter.write(state(workspace('ws_a', 'one')));
    expect(Object.keys(manifestOf(file).workspaceFiles)).toEqual(['ws_a']);
    await expect.poll(() => readdirSync(`${file}.d`).length).toBe(1);
  });

  it('files of a commit that never landed (killed before the manifest) are ignored, then removed', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cfm-files-')), 'state.json');
    const { adapter } = await openDataFile(file, accept);
    await adapter.write(state(workspace('ws_a', 'one')));
    writeFileSync(join(`${file}.d`, 'w99.json'), '{"half":');
    const reopened = await openDataFile(file, accept);
    expect((reopened.data as DbData).workspaces.ws_a!.collections.tickets.ticket_1!.subject).toBe('one');
    expect(readdirSync(`${file}.d`)).not.toContain('w99.json');
    // Generations go on from the highest named, so a new file never takes the name of one in use.
    const before = manifestOf(file).workspaceFiles.ws_a;
    reopened.adapter.markDirty('ws_a');
    await reopened.adapter.write(state(workspace('ws_a', 'two')));
    expect(manifestOf(file).workspaceFiles.ws_a).not.toBe(before);
    expect((await openDataFile(file, accept)).data).toEqual(state(workspace('ws_a', 'two')));
  });

  it('a whole state in the file (version 1) is read, and the first write turns it into a manifest', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cfm-files-')), 'state.json');
    writeFileSync(file, JSON.stringify(state(workspace('ws_a', 'one'))));
    const { adapter, data } = await openDataFile(file, accept);
    expect(data).toEqual(state(workspace('ws_a', 'one')));
    await adapter.write(data!);
    expect(manifestOf(file).version).toBe(2);
    expect((await openDataFile(file, accept)).data).toEqual(state(workspace('ws_a', 'one')));
  });

  it.each([
    ['a file name that is not ours', { version: 2, apiKeys: [], idCounters: {}, workspaceFiles: { ws_a: '../../etc/passwd' } }, /not one of ours/],
    [
      'a missing workspace file',
      { version: 2, apiKeys: [], idCounters: {}, workspaceFiles: { ws_a: 'w7.json' } },
      /w7\.json of workspace 'ws_a' cannot be read \(ENOENT\)/,
    ],
    ['no workspaceFiles', { version: 2, apiKeys: [] }, /'workspaceFiles' is not an object/],
  ])('refuses a manifest with %s, in one sentence naming the file', async (_name, manifest, message) => {
    const file = join(mkdtempSync(join(tmpdir(), 'cfm-files-')), 'state.json');
    writeFileSync(file, JSON.stringify(manifest));
    await expect(openDataFile(file, accept)).rejects.toThrow(message);
    await expect(openDataFile(file, accept)).rejects.toThrow(`The data file ${file} cannot be used`);
  });
});
