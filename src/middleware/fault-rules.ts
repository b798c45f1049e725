import type { Clock } from '../clock.js';
import { errors, STATUS_OF_TYPE, type ErrorType } from '../errors.js';
import { LIMITS } from '../limits.js';
import { loadFaker, type Faker } from '../store/random.js';
import { textMatcher } from '../text-match.js';

export interface FaultRule {
  method?: string;
  path?: string;
  status?: number;
  error_type?: ErrorType;
  latency_ms?: number;
  drop_connection?: boolean;
  count?: number;
  probability?: number;
  /** Only requests authenticated into this workspace (checked after authentication). */
  workspace_id?: string;
  /** Seconds the answer's `Retry-After` says (default 1 on a 429, none otherwise). */
  retry_after?: number;
}

export interface Fault {
  id: string;
  method: string | null;
  path: string | null;
  status: number | null;
  error_type: string | null;
  latency_ms: number;
  drop_connection: boolean;
  count: number | null;
  probability: number;
  hits: number;
  workspace_id: string | null;
  retry_after: number | null;
  created_at: string;
}

/**
 * Fault rules, matched in creation order; intermittent ones draw from a seeded generator. A rule
 * with a workspace applies only to requests authenticated into it (the second faults step, after
 * authentication); the others to every matching request (the first, before it).
 */
export class FaultRules {
  private rules: (Fault & { matches: (path: string) => boolean })[] = [];
  private seq = 0;
  private random: Promise<Faker> | undefined;
  /** Rules without a workspace, and rules with one: each faults step checks only its own count. */
  private counts = { global: 0, scoped: 0 };

  constructor(
    private readonly clock: Clock,
    private readonly seed: number,
  ) {}

  add(rule: FaultRule): Fault {
    if (this.rules.length >= LIMITS.faultRules) {
      throw errors.limitReached('fault rules', LIMITS.faultRules, 'Remove some (DELETE /_mock/faults) first.');
    }
    const fault: Fault = {
      id: `flt_${++this.seq}`,
      method: rule.method ?? null,
      path: rule.path ?? null,
      status: rule.status ?? (rule.error_type ? STATUS_OF_TYPE[rule.error_type] : null),
      error_type: rule.error_type ?? null,
      latency_ms: rule.latency_ms ?? 0,
      drop_connection: rule.drop_connection ?? false,
      count: rule.count ?? null,
      probability: rule.probability ?? 1,
      hits: 0,
      workspace_id: rule.workspace_id ?? null,
      retry_after: rule.retry_after ?? null,
      created_at: this.clock.iso(),
    };
    const matcher = rule.path ? textMatcher(rule.path) : () => true;
    this.rules.push({ ...fault, matches: (path) => matcher(path.toLowerCase()) });
    this.recount();
    return fault;
  }

  list(): Fault[] {
    return this.rules.map(({ matches: _m, ...f }) => f);
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    this.recount();
    return this.rules.length < before;
  }

  clear(): void {
    this.rules = [];
    this.random = undefined;
    this.recount();
  }

  get size(): number {
    return this.rules.length;
  }

  /** Rules that apply to every request (`global`), or only to one workspace's (`scoped`). */
  sizeOf(kind: 'global' | 'scoped'): number {
    return this.counts[kind];
  }

  private recount(): void {
    this.counts.scoped = this.rules.filter((r) => r.workspace_id !== null).length;
    this.counts.global = this.rules.length - this.counts.scoped;
  }

  /**
   * The first rule that hits this request (consuming one of its counts), if any: without a
   * workspace, only rules that have none; with one, only that workspace's rules.
   */
  async take(method: string, path: string, workspace?: string): Promise<Fault | undefined> {
    for (const rule of this.rules) {
      if ((rule.workspace_id ?? undefined) !== workspace) continue;
      if (rule.method && rule.method !== method) continue;
      if (!rule.matches(path)) continue;
      if (rule.probability < 1) {
        this.random ??= loadFaker().then((seeded) => seeded(this.seed));
        if ((await this.random).number.float({ min: 0, max: 1 }) >= rule.probability) continue;
      }
      rule.hits++;
      if (rule.count !== null && --rule.count <= 0) this.remove(rule.id);
      const { matches: _m, ...fault } = rule;
      return fault;
    }
    return undefined;
  }
}
