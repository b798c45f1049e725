/** One change made inside a transaction: how to take it back, and how to make it again. */
interface Step {
  undo: () => void;
  redo: () => void;
}

/** Whatever changes state inside a transaction reports each change here (a no-op outside one). */
export type ChangeSink = (undo: () => void, redo: () => void) => void;

/**
 * All-or-nothing changes. `work` mutates memory synchronously, reporting every change with
 * its undo and redo. In memory that is the whole transaction (a throw undoes it). With a
 * durable `persist`, the new state is serialised, memory goes back to the last durable state
 * while the file is written (readers never see a change that may still fail), and the change
 * is made again only once it is on disk; changes then run one at a time.
 */
export class Transactions {
  private steps: Step[] | undefined;
  private queue: Promise<unknown> = Promise.resolve();

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
    const persist = this.persist;
    if (!persist) {
      try {
        return Promise.resolve(this.apply(work).result);
      } catch (err) {
        return Promise.reject(err);
      }
    }
    const once = async () => {
      const { result, steps } = this.apply(work);
      let writing: Promise<void>;
      try {
        writing = persist();
      } catch (err) {
        undo(steps);
        throw this.failed(err);
      }
      undo(steps);
      try {
        await writing;
      } catch (err) {
        throw this.failed(err);
      }
      for (const step of steps) step.redo();
      return result;
    };
    const result = this.queue.then(once, once);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Resolves once every transaction begun so far has landed (or failed). */
  settled(): Promise<unknown> {
    return this.queue;
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
