import type { Context, MiddlewareHandler, Next } from 'hono';
import { step } from './steps.js';
import type { Sleep } from '../clock.js';
import { errors } from '../errors.js';
import type { Validator } from '../openapi/validator.js';
import { type AppEnv, addAnswerHeader, requestHeader, respond, withAnswerHeaders } from '../context.js';

export interface Preferences {
  code?: number;
  latency?: number;
  /** The preferences taken, as `Preference-Applied` names them (`code=429, latency=800`). */
  applied: string[];
}

/**
 * Parses `Prefer: code=429, latency=800` (commas or semicolons). Preferences other than
 * `code` and `latency` are ignored, as RFC 7240 says, and so is every repeat of one (only the
 * first instance counts, RFC 7240 §2); a bad value of a counted one is a 400 naming Prefer.
 */
export function parsePrefer(header: string, documented: number[]): Preferences {
  const out: Preferences = { applied: [] };
  for (const token of header
    .split(/[,;]/)
    .map((t) => t.trim())
    .filter(Boolean)) {
    const m = /^([a-z-]+)\s*(?:=\s*"?([^"]*)"?)?$/i.exec(token);
    const name = m?.[1]?.toLowerCase();
    const value = m?.[2] ?? '';
    if (name === 'code' && out.code === undefined) {
      const code = /^\d{3}$/.test(value) ? Number(value) : NaN;
      if (!documented.includes(code)) {
        throw errors.invalidHeader('Prefer', `'Prefer: code=${value}' is not a status this operation documents: ${documented.join(', ')}.`);
      }
      out.code = code;
      out.applied.push(`code=${code}`);
    } else if (name === 'latency' && out.latency === undefined) {
      if (!/^\d+$/.test(value) || Number(value) > 60_000) {
        throw errors.invalidHeader('Prefer', `'Prefer: latency=${value}' must be a whole number of milliseconds from 0 to 60000.`);
      }
      out.latency = Number(value);
      out.applied.push(`latency=${out.latency}`);
    }
  }
  return out;
}

/**
 * Prism's convention, for a request that passed authentication, scopes and validation:
 * `Prefer: code=NNN` answers that documented status without touching state (errors in the
 * CommFlow envelope, successes from the spec's examples); `Prefer: latency=MS` delays the
 * answer. `Preference-Applied` names what was taken.
 */
export function simulate(validator: () => Promise<Validator>, sleep: Sleep): MiddlewareHandler<AppEnv> {
  const apply = async (c: Context<AppEnv>, next: Next, header: string) => {
    const op = c.get('op');
    const wanted = parsePrefer(header, op.statuses);
    if (wanted.latency) await sleep(wanted.latency);
    if (wanted.applied.length) {
      addAnswerHeader(c, 'preference-applied', wanted.applied.join(', '));
      c.set('preferApplied', wanted.applied.join(', '));
    }
    if (wanted.code === undefined) {
      await next();
      withAnswerHeaders(c);
      return;
    }
    const reason = `Simulated response, asked for with 'Prefer: code=${wanted.code}'.`;
    if (wanted.code >= 400) throw errors.simulated(wanted.code, reason);
    if (wanted.code === 204) return respond(c, null, 204, null);
    return respond(c, JSON.stringify((await validator()).mock(op, wanted.code)), wanted.code);
  };
  return step(function applyPrefer(c, next) {
    const header = requestHeader(c, 'prefer');
    return header ? apply(c, next, header) : next();
  });
}
