import type { OAuthServer } from '../auth/oauth.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { FaultRules } from '../middleware/fault-rules.js';
import type { Journal } from '../middleware/journal-log.js';
import type { ScenarioTaps } from '../middleware/scenario-tap.js';
import type { Store } from '../store/store.js';
import type { SenderOptions } from '../webhooks/sender.js';
import type { NoteBudget } from './budget.js';

/** What the scenarios act through: the journal they grade, and the mechanisms they inject with. */
export interface ConformanceContext {
  journal: Journal;
  faults: FaultRules;
  taps: ScenarioTaps;
  oauth: OAuthServer;
  clock: Clock;
  store: Store;
  logger: Logger;
  /** How webhook deliveries go out (their deadline, and this server's own address, never called). */
  sender: SenderOptions;
}

/** One verdict: `detail` says what was seen and, when it failed, what to change. */
export interface Check {
  name: string;
  passed: boolean;
  detail: string;
}

/** `pending` until the scenario has something to grade (it injected nothing the client met yet). */
export interface Grade {
  pending: boolean;
  checks: Check[];
}

/** The journal entries a scenario grades: numbered after `afterSeq`, up to `untilSeq` (when it ended). */
export interface Window {
  afterSeq: number;
  untilSeq: number;
}

export type ScenarioOptions = Record<string, number | string>;

/** A scenario once armed: it grades a window of the journal (and what it saw itself), and can be stopped. */
export interface Armed {
  grade(window: Window): Grade;
  /** Removes what it injects (fault rules, its tap); called once, when it ends. */
  stop(): void;
}

export interface ArmInput {
  id: string;
  workspaceId: string;
  options: ScenarioOptions;
}

/** What a scenario is armed with: the context, and the budget its notes draw from. */
export interface ScenarioContext extends ConformanceContext {
  notes: NoteBudget;
}

export type Arm = (ctx: ScenarioContext, input: ArmInput) => Armed | Promise<Armed>;
