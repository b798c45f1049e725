import type { Journal, Stored } from '../middleware/journal-log.js';
import type { Check, Window } from './context.js';

/** A request of the client as the journal captured it, with its times in real milliseconds. */
export interface Attempt {
  seq: number;
  method: string;
  /** Path and query, as sent. */
  target: string;
  body: string | null;
  status: number;
  /** The fault rule that answered it, if one did. */
  fault: string | undefined;
  /** When it arrived and when its answer was ready (or its connection dropped), `performance.now()`. */
  start: number;
  end: number;
  raw: Stored;
}

export const targetOf = (url: string) => url.slice(url.indexOf('/', url.indexOf('//') + 2));

export function attemptOf(raw: Stored): Attempt {
  const start = raw.started ?? 0;
  return {
    seq: raw.seq,
    method: raw.method,
    target: targetOf(raw.url),
    body: raw.body,
    status: raw.status,
    fault: raw.fault,
    start,
    end: start + raw.duration,
    raw,
  };
}

/** The workspace's requests in the window, in the order they ended (plus others `also` accepts: those of no workspace). */
export function attemptsOf(journal: Journal, window: Window, workspaceId: string, also?: (raw: Stored) => boolean): Attempt[] {
  const out: Attempt[] = [];
  for (const raw of journal.since(window.afterSeq)) {
    if (raw.seq > window.untilSeq) break;
    if (raw.workspace === workspaceId || (also && raw.workspace === null && also(raw))) out.push(attemptOf(raw));
  }
  return out;
}

/** Two attempts are the same request when method, path, query and body are. */
export const sameRequest = (a: Attempt, b: Attempt) => a.method === b.method && a.target === b.target && a.body === b.body;

/**
 * Each failed request with the attempts that followed it: a request is taken for a retry of the
 * last failed attempt of the same request. Only chains whose first attempt failed are returned.
 */
export function chainsOf(attempts: Attempt[], failed: (a: Attempt) => boolean): Attempt[][] {
  const open = new Map<string, Attempt[]>();
  const chains: Attempt[][] = [];
  for (const a of attempts) {
    const key = `${a.method} ${a.target}\n${a.body ?? ''}`;
    let chain = open.get(key);
    if (!chain) {
      if (!failed(a)) continue;
      chain = [];
      chains.push(chain);
    }
    chain.push(a);
    if (failed(a)) open.set(key, chain);
    else open.delete(key);
  }
  return chains;
}

/** The waits before each retry of a chain: from one attempt's answer to the next attempt's arrival. */
export function waitsOf(chain: Attempt[]): number[] {
  return chain.slice(1).map((a, i) => a.start - chain[i]!.end);
}

export const label = (a: Attempt) => `${a.method} ${a.target}`;

export const ms = (n: number) => `${Math.max(0, Math.round(n)).toLocaleString('en-US')} ms`;

export const times = (n: number) => (n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`);

/** A failing check when the journal lost requests of the window (evicted past its size, or emptied). */
export function journalCheck(journal: Journal, window: Window): Check | undefined {
  if (journal.evictedThrough <= window.afterSeq) return undefined;
  return {
    name: 'journal-complete',
    passed: false,
    detail: `The journal no longer holds every request made since the scenario was armed (it keeps the last ${journal.limits.entries.toLocaleString('en-US')}, and DELETE /_mock/requests empties it), so the other checks may miss some: read the verdict sooner, or start with a larger --journal-size.`,
  };
}
