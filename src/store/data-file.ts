import { mkdir, readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Adapter } from 'lowdb';
import { dict } from './dict.js';
import type { DbData, WorkspaceData } from './types.js';

const codeOf = (err: unknown) => (err as NodeJS.ErrnoException).code ?? (err as Error).message;

/**
 * What `--data FILE` holds: the API keys, the id counters and, per workspace, the name of the
 * file beside it (in `FILE.d/`) that holds that workspace. A file name is a generation number,
 * never a workspace id (ids come from clients), and each write of a workspace makes a new one.
 */
interface Manifest {
  version: 2;
  apiKeys: DbData['apiKeys'];
  idCounters: Record<string, number>;
  workspaceFiles: Record<string, string>;
}

/**
 * The state on disk, one file per workspace, so that a write costs what the workspaces it
 * changed hold, not the whole server (lowdb's adapter interface; `markDirty` names them).
 * A commit writes each changed workspace to a new file, then replaces FILE (steno's atomic
 * write through lowdb's DataFile) with a manifest naming those files, then deletes the files it
 * replaced: a kill -9 at any point leaves FILE naming complete files only (the old set or the
 * new), so every acknowledged write survives and nothing is half there. Files no manifest names
 * (a kill before FILE was replaced) are removed at the next start.
 */
export class WorkspaceFiles implements Adapter<DbData> {
  private readonly dir: string;
  private files: Record<string, string> = dict();
  private generation = 0;
  private dirty = new Set<string>();
  private all = true;
  private ready: Promise<unknown> | undefined;

  private constructor(
    private readonly manifest: Adapter<Manifest>,
    private readonly path: string,
  ) {
    this.dir = `${resolve(path)}.d`;
  }

  /** The workspace (by id) must be written with the next commit; every workspace without an id. */
  markDirty(workspaceId?: string): void {
    if (workspaceId === undefined) this.all = true;
    else this.dirty.add(workspaceId);
  }

  async read(): Promise<DbData | null> {
    throw new Error(`read ${this.path} through openDataFile`);
  }

  /** Serialises what changed at once (the caller may change memory after this returns), then writes it. */
  write(data: DbData): Promise<void> {
    const ids = this.all ? Object.keys(data.workspaces) : [...this.dirty].filter((id) => Object.hasOwn(data.workspaces, id));
    const texts = ids.map((id) => [id, `w${++this.generation}.json`, JSON.stringify(data.workspaces[id])] as const);
    const files = dict<string>();
    for (const id of Object.keys(data.workspaces)) if (Object.hasOwn(this.files, id)) files[id] = this.files[id]!;
    for (const [id, name] of texts) files[id] = name;
    const manifest: Manifest = { version: 2, apiKeys: data.apiKeys, idCounters: data.idCounters ?? {}, workspaceFiles: files };
    this.ready ??= mkdir(this.dir, { recursive: true });
    const written = this.ready.then(() => Promise.all(texts.map(([, name, text]) => writeFile(join(this.dir, name), text))));
    const landed = written.then(() => this.manifest.write(manifest));
    this.dirty = new Set();
    this.all = false;
    return landed.then(
      () => {
        const named = new Set(Object.values(files));
        const superseded = Object.values(this.files).filter((name) => !named.has(name));
        this.files = files;
        for (const name of superseded) unlink(join(this.dir, name)).catch(() => undefined);
      },
      (err: unknown) => {
        // What was not saved must be saved with the next commit.
        for (const [id] of texts) this.dirty.add(id);
        throw err;
      },
    );
  }

  /**
   * Opens FILE: a manifest and its workspace files, or a whole state in one file (version 1,
   * also what GET /_mock/state answers), which the first write turns into the manifest form.
   */
  static async open(path: string, text: string | undefined): Promise<{ adapter: WorkspaceFiles; data?: unknown }> {
    const { DataFile } = await import('lowdb/node');
    // Written on every commit (it holds the id counters): compact, not pretty-printed.
    const adapter = new WorkspaceFiles(new DataFile<Manifest>(path, { parse: JSON.parse, stringify: (m) => JSON.stringify(m) }), path);
    if (text === undefined || text.trim() === '') return { adapter };
    const parsed: unknown = JSON.parse(text);
    if ((parsed as { version?: unknown } | null)?.version !== 2) return { adapter, data: parsed };
    const m = parsed as Partial<Manifest>;
    if (!m.workspaceFiles || typeof m.workspaceFiles !== 'object') throw new Error("its 'workspaceFiles' is not an object.");
    const workspaces = dict<WorkspaceData>();
    for (const [id, name] of Object.entries(m.workspaceFiles)) {
      if (typeof name !== 'string' || !/^w\d{1,15}\.json$/.test(name)) throw new Error(`the file named for workspace '${id}' is not one of ours.`);
      let content: string;
      try {
        content = await readFile(join(adapter.dir, name), 'utf8');
      } catch (err) {
        throw new Error(`the file ${join(adapter.dir, name)} of workspace '${id}' cannot be read (${codeOf(err)}).`);
      }
      try {
        workspaces[id] = JSON.parse(content) as WorkspaceData;
      } catch (err) {
        throw new Error(`the file ${join(adapter.dir, name)} of workspace '${id}' is not valid JSON: ${(err as Error).message}.`);
      }
      adapter.files[id] = name;
      adapter.generation = Math.max(adapter.generation, Number(name.slice(1, -5)));
    }
    adapter.all = false;
    // Files of a commit that never landed (a kill before FILE was replaced) are nobody's.
    const named = new Set(Object.values(adapter.files));
    for (const name of await readdir(adapter.dir).catch(() => [] as string[])) {
      if (/^w\d+\.json$/.test(name) && !named.has(name)) await unlink(join(adapter.dir, name)).catch(() => undefined);
    }
    return { adapter, data: { version: 1, apiKeys: m.apiKeys, workspaces, idCounters: m.idCounters } };
  }
}

/**
 * Opens `--data FILE` for a start that cannot fail later: a missing directory is created,
 * a write next to the file is tried once, and what the file holds is parsed and checked by
 * `accept` (which throws a message naming the offending value). An absent or empty file
 * starts from the fixtures. Every failure is one sentence naming the file.
 */
export async function openDataFile(path: string, accept: (data: unknown) => Promise<DbData>): Promise<{ adapter: WorkspaceFiles; data?: DbData }> {
  const dir = dirname(resolve(path));
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw new Error(`Cannot create the directory of the data file ${path} (${codeOf(err)}).`);
  }
  let text: string | undefined;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (codeOf(err) !== 'ENOENT') throw new Error(`Cannot read the data file ${path} (${codeOf(err)}).`);
  }
  const probe = join(dir, `.${basename(path)}.probe-${process.pid}`);
  try {
    await writeFile(probe, '');
    await unlink(probe);
  } catch (err) {
    throw new Error(`Cannot write next to the data file ${path} (${codeOf(err)}); every change would fail. Pick a writable --data path.`);
  }
  let opened: { adapter: WorkspaceFiles; data?: unknown };
  try {
    opened = await WorkspaceFiles.open(path, text);
  } catch (err) {
    const message = (err as Error).message;
    throw new Error(err instanceof SyntaxError ? `The data file ${path} is not valid JSON: ${message}.` : `The data file ${path} cannot be used: ${message}`);
  }
  if (opened.data === undefined) return { adapter: opened.adapter };
  try {
    return { adapter: opened.adapter, data: await accept(opened.data) };
  } catch (err) {
    throw new Error(`The data file ${path} cannot be used: ${(err as Error).message}`);
  }
}
