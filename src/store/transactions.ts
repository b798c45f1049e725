/** One change made inside a transaction: how to take it back, and how to make it again. */
interface Step {
  undo: () => void;
  redo: () => void;
}

/** Whatever changes state inside a transaction reports each change here (a no-op outside one). */
export type ChangeSink = (undo: () => void, redo: () => void) => void;

interface Waiting {
  work: () => unknown;
  resolve: (result: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * All-or-nothing changes. `work` mutates memory synchronously, reporting every change with
 * its undo and redo. In memory that is the whole transaction (a throw undoes it). With a
 * durable `persist`, the new state is serialised, memory goes back to the last durable state
 * while the file is written (readers never see a change that may still fail), and the change
 * is made again only once it is on disk. Group commit: the transactions that arrive while a
 * write is in flight are applied one after the other (each on what the ones before it did; a
 * throw undoes only its own), then saved by one write, and each is answered once that lands.
 */
export class Transactions {
  private steps: Step[] | undefined;
  private waiting: Waiting[] = [];
  private writing = false;
  private last: Promise<unknown> = Promise.resolve();
  /** Called after each transaction that changed something has landed. */
  committed: (() => void) | undefined;

  /**
   * @param persist Starts writing the current state (serialising it before it returns), or
   *   undefined when nothing is persisted.
   * @param failed Turns a failed write into the error to answer.
   */
  constructor(
    private readonly persist: (() => Promise<void>) | undefined,
    private readonly failed: (err: unknown) => Error,
  ) {}

  readonly record: ChangeSink = (undo, redo) => {
    this.steps?.push({ undo, redo });
  };

  /** Whether a transaction is applying its changes right now. */
  get active(): boolean {
    return this.steps !== undefined;
  }

  run<T>(work: () => T): Promise<T> {
    if (!this.persist) {
      try {
        const { result, steps } = this.apply(work);
        if (steps.length) this.committed?.();
        return Promise.resolve(result);
      } catch (err) {
        return Promise.reject(err);
      }
    }
    const result = new Promise<T>((resolve, reject) => {
      this.waiting.push({ work, resolve: resolve as (r: unknown) => void, reject });
    });
    this.last = result.catch(() => undefined);
    if (!this.writing) {
      this.writing = true;
      queueMicrotask(() => void this.commitAll(this.persist!));
    }
    return result;
  }

  /** Resolves once every transaction begun so far has landed (or failed). */
  settled(): Promise<unknown> {
    return this.last;
  }

  /** Commits what waits, one write per group, until nothing does. */
  private async commitAll(persist: () => Promise<void>): Promise<void> {
    while (this.waiting.length) {
      const applied: (Waiting & { result: unknown; steps: Step[] })[] = [];
      for (const t of this.waiting.splice(0)) {
        try {
          applied.push({ ...t, ...this.apply(t.work) });
        } catch (err) {
          t.reject(err);
        }
      }
      if (!applied.length) continue;
      const undoAll = () => {
        for (let i = applied.length - 1; i >= 0; i--) undo(applied[i]!.steps);
      };
      let undone = false;
      try {
        const writing = persist();
        undoAll();
        undone = true;
        await writing;
      } catch (err) {
        if (!undone) undoAll(); // persist threw before it began writing
        const error = this.failed(err);
        for (const t of applied) t.reject(error);
        continue;
      }
      for (const t of applied) for (const step of t.steps) step.redo();
      if (applied.some((t) => t.steps.length)) this.committed?.();
      for (const t of applied) t.resolve(t.result);
    }
    this.writing = false;
  }

  private apply<T>(work: () => T): { result: T; steps: Step[] } {
    const steps: Step[] = [];
    this.steps = steps;
    try {
      const result = work();
      if (result instanceof Promise) throw new Error('A store transaction must change the state synchronously.');
      return { result, steps };
    } catch (err) {
      undo(steps);
      throw err;
    } finally {
      this.steps = undefined;
    }
  }
}

function undo(steps: Step[]): void {
  for (let i = steps.length - 1; i >= 0; i--) steps[i]!.undo();
}
