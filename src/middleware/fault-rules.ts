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
  created_at: string;
}

/** Fault rules, matched in creation order; intermittent ones draw from a seeded generator. */
export class FaultRules {
  private rules: (Fault & { matches: (path: string) => boolean })[] = [];
  private seq = 0;
  private random: Promise<Faker> | undefined;

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
      created_at: this.clock.iso(),
    };
    const matcher = rule.path ? textMatcher(rule.path) : () => true;
    this.rules.push({ ...fault, matches: (path) => matcher(path.toLowerCase()) });
    return fault;
  }

  list(): Fault[] {
    return this.rules.map(({ matches: _m, ...f }) => f);
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length < before;
  }

  clear(): void {
    this.rules = [];
    this.random = undefined;
  }

  get size(): number {
    return this.rules.length;
  }

  /** The first rule that hits this request (consuming one of its counts), if any. */
  async take(method: string, path: string): Promise<Fault | undefined> {
    for (const rule of this.rules) {
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
