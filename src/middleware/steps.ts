import type { Context, MiddlewareHandler, Next } from 'hono';
import type { AppEnv, Handler } from '../context.js';

/** A step that answers at once when it can: Hono's compose awaits whatever it returns, so it runs there too. */
export type Step = (c: Context<AppEnv>, next: Next) => unknown;

/** A synchronous-when-it-can step, typed as the middleware Hono takes (which awaits any return). */
export function step(fn: Step): MiddlewareHandler<AppEnv> {
  return fn as unknown as MiddlewareHandler<AppEnv>;
}

/** Answers an error where it is thrown (the app's one error renderer). */
export type ErrorAnswer = (err: unknown, c: Context<AppEnv>) => Response;

/**
 * An operation's steps and handler as one Hono handler. Each step gets `next`, which runs the
 * rest, as with Hono's own compose: an error thrown by a step or the handler is answered by
 * `onError` right there, so the steps around it see that answer in `c.res` (the journal records
 * it, the rate limit adds its headers). Unlike Hono's compose, no step is made asynchronous:
 * when every step and the handler answer at once, so does the operation (no promise at all, and
 * node-server writes the answer on the spot); a step that waits (a body, a fault's latency)
 * makes only the steps around it wait. Hono's compose of ten handlers cost a GET a third of its
 * time (a promise and a microtask per step).
 */
export function runSteps(
  steps: readonly MiddlewareHandler<AppEnv>[],
  handler: Handler,
  onError: ErrorAnswer,
): (c: Context<AppEnv>) => Response | Promise<Response> {
  const fail = (c: Context<AppEnv>, err: unknown): void => {
    if (err instanceof Error) c.error = err;
    c.res = onError(err, c);
  };
  const keep = (c: Context<AppEnv>, res: unknown): void => {
    if (res && !c.finalized) c.res = res as Response;
  };
  const run = (c: Context<AppEnv>, i: number): void | Promise<void> => {
    let out: unknown;
    try {
      out = i < steps.length ? (steps[i] as unknown as Step)(c, (() => run(c, i + 1)) as Next) : handler(c);
    } catch (err) {
      fail(c, err);
      return;
    }
    if (out instanceof Promise) {
      return out.then(
        (res) => keep(c, res),
        (err: unknown) => fail(c, err),
      );
    }
    keep(c, out);
  };
  return function operation(c) {
    const done = run(c, 0);
    return done instanceof Promise ? done.then(() => c.res) : c.res;
  };
}
