import { mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { JSONFile } from 'lowdb/node';
import type { DbData } from './types.js';

const codeOf = (err: unknown) => (err as NodeJS.ErrnoException).code ?? (err as Error).message;

/**
 * Opens `--data FILE` for a start that cannot fail later: a missing directory is created,
 * a write next to the file is tried once, and what the file holds is parsed and checked by
 * `accept` (which throws a message naming the offending value). An absent or empty file
 * starts from the fixtures. Every failure is one sentence naming the file.
 */
export async function openDataFile(path: string, accept: (data: unknown) => Promise<DbData>): Promise<{ adapter: JSONFile<DbData>; data?: DbData }> {
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
  let data: DbData | undefined;
  if (text !== undefined && text.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new Error(`The data file ${path} is not valid JSON: ${(err as Error).message}.`);
    }
    try {
      data = await accept(parsed);
    } catch (err) {
      throw new Error(`The data file ${path} cannot be used: ${(err as Error).message}`);
    }
  }
  const probe = join(dir, `.${basename(path)}.probe-${process.pid}`);
  try {
    await writeFile(probe, '');
    await unlink(probe);
  } catch (err) {
    throw new Error(`Cannot write next to the data file ${path} (${codeOf(err)}); every change would fail. Pick a writable --data path.`);
  }
  const { JSONFile } = await import('lowdb/node');
  return { adapter: new JSONFile<DbData>(path), data };
}
