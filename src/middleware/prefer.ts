import type { Context } from 'hono';
import { setTimeout as sleep } from 'node:timers/promises';
import { errors } from '../errors.js';
import type { Spec } from '../openapi/spec.js';
import { getValidator } from '../openapi/validator.js';
import type { AppEnv } from '../types.js';

export interface Preferences {
  code?: number;
  latency?: number;
}

/** Parses `Prefer: code=429, latency=800` (commas or semicolons); anything else is a 400 naming Prefer. */
export function parsePrefer(header: string, documented: number[]): Preferences {
  const out: Preferences = {};
  for (const token of header.split(/[,;]/).map((t) => t.trim()).filter(Boolean)) {
    const m = /^([a-z-]+)\s*=\s*"?([^"]*)"?$/i.exec(token);
    const name = m?.[1]?.toLowerCase();
    const value = m?.[2] ?? '';
    if (name === 'code') {
      const code = /^\d{3}$/.test(value) ? Number(value) : NaN;
      if (!documented.includes(code)) {
        throw errors.invalidHeader('Prefer', `'Prefer: code=${value}' is not a status this operation documents: ${documented.join(', ')}.`);
      }
      out.code = code;
    } else if (name === 'latency') {
      if (!/^\d+$/.test(value) || Number(value) > 60_000) {
        throw errors.invalidHeader('Prefer', `'Prefer: latency=${value}' must be a whole number of milliseconds from 0 to 60000.`);
      }
      out.latency = Number(value);
    } else {
      throw errors.invalidHeader('Prefer', `Unknown preference '${token}'. Supported: code=<status>, latency=<ms>.`);
    }
  }
  return out;
}

/**
 * Prism's convention: `Prefer: code=NNN` answers that documented status without touching
 * state (errors in the CommFlow envelope, successes from the spec's examples);
 * `Prefer: latency=MS` delays the answer. Resolves to the response when one is asked for.
 */
export async function applyPrefer(header: string, spec: Spec, c: Context<AppEnv>): Promise<Response | undefined> {
  const op = c.get('op');
  const wanted = parsePrefer(header, op.statuses);
  if (wanted.latency) await sleep(wanted.latency);
  if (wanted.code === undefined) return undefined;
  const reason = `Simulated response, asked for with 'Prefer: code=${wanted.code}'.`;
  if (wanted.code >= 400) throw errors.simulated(wanted.code, reason);
  if (wanted.code === 204) return c.body(null, 204);
  const validator = await getValidator(spec);
  return c.json(validator.mock(op, wanted.code) as object, wanted.code as 200);
}
