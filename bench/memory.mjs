// Memory: RSS of an idle server after start, and what a new workspace costs in-process.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { AUTH, firstOk, mockArgs, rssMb, start, stop } from './lib.mjs';

/** RSS two seconds after the first /v1 answer of a default start (the warm-up done), nothing else asked. */
export async function idleRss() {
  const mock = await start(mockArgs());
  await firstOk(`${mock.url}/v1/me`, AUTH);
  await new Promise((r) => setTimeout(r, 2_000));
  const rss = rssMb(mock.proc.pid);
  await stop(mock.proc);
  return rss.now;
}

/** Heap and time per new workspace with the default fixtures (bench/workspace-cost.mjs, in its own process). */
export function workspaceCost() {
  const script = fileURLToPath(new URL('./workspace-cost.mjs', import.meta.url));
  return JSON.parse(execFileSync(process.execPath, ['--expose-gc', script], { encoding: 'utf8' }));
}
