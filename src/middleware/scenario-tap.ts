import type { Context, MiddlewareHandler, Next } from 'hono';
import type { AppEnv } from '../context.js';
import { step } from './steps.js';

/** What an armed scenario does around each request authenticated into its workspace. */
export type Tap = (c: Context<AppEnv>, next: Next) => Promise<void>;

/** The taps of the armed scenarios, one per workspace at most (src/conformance/ sets them). */
export class ScenarioTaps {
  private taps = new Map<string, Tap>();

  get size(): number {
    return this.taps.size;
  }

  get(workspaceId: string): Tap | undefined {
    return this.taps.get(workspaceId);
  }

  set(workspaceId: string, tap: Tap): void {
    this.taps.set(workspaceId, tap);
  }

  /** Removes a workspace's tap (only this one, when given: a newer scenario may have replaced it). */
  delete(workspaceId: string, tap?: Tap): void {
    if (tap === undefined || this.taps.get(workspaceId) === tap) this.taps.delete(workspaceId);
  }

  clear(): void {
    this.taps.clear();
  }
}

/**
 * Hands a request authenticated into a workspace with an armed scenario to that scenario's tap
 * (which watches it, or acts after it: expiring the access token it used, say). With no
 * scenario armed anywhere it costs one size check.
 */
export function tapScenarios(taps: ScenarioTaps): MiddlewareHandler<AppEnv> {
  return step(function tapScenario(c, next) {
    if (taps.size === 0) return next();
    const workspace = c.get('principal')?.workspaceId;
    const tap = workspace === undefined ? undefined : taps.get(workspace);
    return tap ? tap(c, next) : next();
  });
}
