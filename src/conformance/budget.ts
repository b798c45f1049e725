/** Bytes that scenarios' notes may hold together (LIMITS.scenarioObservationBytes): a share is taken per note, given back when a scenario ends. */
export class NoteBudget {
  private held = 0;

  constructor(private readonly limit: number) {}

  /** Takes `bytes` if they fit; false when the budget is spent. */
  take(bytes: number): boolean {
    if (this.held + bytes > this.limit) return false;
    this.held += bytes;
    return true;
  }

  give(bytes: number): void {
    this.held = Math.max(0, this.held - bytes);
  }

  get bytes(): number {
    return this.held;
  }
}
