import { errors } from '../errors.js';
import { LIMITS } from '../limits.js';
import { NoteBudget } from './budget.js';
import { type ScenarioName, scenarioInfo } from './catalogue.js';
import type { Arm, Armed, Check, ConformanceContext, Grade, ScenarioContext, ScenarioOptions } from './context.js';
import { armPagination } from './pagination.js';
import { armRateLimit } from './rate-limit.js';
import { armDroppedConnection, armServerErrors } from './server-errors.js';
import { armTokenExpiry } from './token-expiry.js';
import { armWebhookReceiver } from './webhook-receiver.js';

const ARMS: Record<ScenarioName, Arm> = {
  'rate-limit': armRateLimit,
  'server-errors': armServerErrors,
  'dropped-connection': armDroppedConnection,
  'token-expiry': armTokenExpiry,
  pagination: armPagination,
  'webhook-receiver': armWebhookReceiver,
};

export interface ArmRequest {
  name: string;
  workspace_id?: string;
  options?: Record<string, unknown>;
}

/** A scenario as `GET /_mock/scenarios/{id}` answers it. */
export interface ScenarioView {
  id: string;
  name: string;
  workspace_id: string;
  options: ScenarioOptions;
  status: 'pending' | 'passed' | 'failed';
  armed_at: string;
  ended_at: string | null;
  checks: Check[];
}

interface Held {
  id: string;
  name: ScenarioName;
  workspaceId: string;
  options: ScenarioOptions;
  armedAt: string;
  /** The journal's last entry when it was armed, and when it ended (it grades what lies between). */
  afterSeq: number;
  untilSeq: number;
  endedAt: string | null;
  /** While armed; once it ends, only its verdict as it stood is kept (what it saw is let go). */
  armed: Armed | undefined;
  final: Grade | undefined;
}

/**
 * The armed conformance scenarios: at most one active per workspace (arming another ends it),
 * each graded on demand from the journal and what its tap saw. Ended ones are kept, frozen at
 * their end, up to LIMITS.scenarios in all.
 */
export class ScenarioBook {
  private held = new Map<string, Held>();
  private active = new Map<string, Held>();
  private seq = 0;
  private readonly ctx: ScenarioContext;

  constructor(
    ctx: ConformanceContext,
    private readonly defaultWorkspaceId: string,
  ) {
    this.ctx = { ...ctx, notes: new NoteBudget(LIMITS.scenarioObservationBytes) };
  }

  async arm(req: ArmRequest): Promise<ScenarioView> {
    const info = scenarioInfo(req.name);
    if (!info) throw errors.validation('name', `No scenario '${req.name}'; see GET /_mock/scenarios.`);
    const workspaceId = req.workspace_id ?? this.defaultWorkspaceId;
    if (!this.ctx.store.has(workspaceId)) throw errors.unknownWorkspace(workspaceId);
    const options: ScenarioOptions = {};
    for (const [key, value] of Object.entries(req.options ?? {})) {
      if (!info.options.some((o) => o.name === key)) {
        const takes = info.options.map((o) => o.name);
        throw errors.validation(
          `options.${key}`,
          `The scenario '${info.name}' takes no option '${key}'. ${takes.length ? `It takes: ${takes.join(', ')}.` : 'It takes none.'}`,
          'unknown_parameter',
        );
      }
      options[key] = value as number | string;
    }
    for (const o of info.options) if (!Object.hasOwn(options, o.name) && o.default !== null) options[o.name] = o.default;
    this.makeRoom();
    const id = `scn_${++this.seq}`;
    const afterSeq = this.ctx.journal.lastSeq;
    // Armed before the workspace's previous scenario ends: a scenario that cannot be armed changes nothing.
    const armed = await ARMS[info.name](this.ctx, { id, workspaceId, options });
    const previous = this.active.get(workspaceId);
    if (previous) this.end(previous);
    const held: Held = {
      id,
      name: info.name,
      workspaceId,
      options,
      armedAt: this.ctx.clock.iso(),
      afterSeq,
      untilSeq: Infinity,
      endedAt: null,
      armed,
      final: undefined,
    };
    this.held.set(id, held);
    this.active.set(workspaceId, held);
    return this.view(id)!;
  }

  /** The scenario graded now (an ended one, as it stood when it ended). */
  view(id: string): ScenarioView | undefined {
    const h = this.held.get(id);
    if (!h) return undefined;
    const grade = h.final ?? h.armed!.grade({ afterSeq: h.afterSeq, untilSeq: h.untilSeq });
    const info = scenarioInfo(h.name)!;
    const checks = grade.pending ? info.checks.map((c) => ({ name: c.name, passed: false, detail: `Not graded yet: ${info.waiting}` })) : grade.checks;
    return {
      id: h.id,
      name: h.name,
      workspace_id: h.workspaceId,
      options: h.options,
      status: grade.pending ? 'pending' : checks.every((c) => c.passed) ? 'passed' : 'failed',
      armed_at: h.armedAt,
      ended_at: h.endedAt,
      checks,
    };
  }

  /** Drops every scenario, or one workspace's (a reset or deletion of it), removing what they inject. */
  clear(workspaceId?: string): void {
    for (const h of [...this.held.values()]) {
      if (workspaceId !== undefined && h.workspaceId !== workspaceId) continue;
      if (this.active.get(h.workspaceId) === h) this.end(h);
      this.held.delete(h.id);
    }
  }

  private end(h: Held): void {
    h.untilSeq = this.ctx.journal.lastSeq;
    h.endedAt = this.ctx.clock.iso();
    this.active.delete(h.workspaceId);
    h.final = h.armed!.grade({ afterSeq: h.afterSeq, untilSeq: h.untilSeq });
    h.armed!.stop();
    h.armed = undefined;
  }

  /** Keeps room for one more: the oldest ended scenarios go first; active ones (one per workspace) stay. */
  private makeRoom(): void {
    if (this.held.size < LIMITS.scenarios) return;
    for (const h of this.held.values()) {
      if (h.endedAt === null) continue;
      this.held.delete(h.id);
      if (this.held.size < LIMITS.scenarios) return;
    }
    throw errors.limitReached('scenarios', LIMITS.scenarios, 'Arm the next one in a workspace that has one already, or reset a workspace.');
  }
}
