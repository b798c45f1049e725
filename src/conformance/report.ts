import type { ScenarioView } from './book.js';

/** A scenario's verdict in words: what `assertPassed` throws when it did not pass. */
export function scenarioReport(view: ScenarioView): string {
  const head = `Scenario ${view.id} (${view.name}, workspace ${view.workspace_id}) ${view.status === 'pending' ? 'is still pending' : view.status}:`;
  const lines = view.checks.map((c) => `  ${view.status === 'pending' ? '…' : c.passed ? '✓' : '✗'} ${c.name}: ${c.detail}`);
  return [head, ...(view.status === 'pending' ? lines.slice(0, 1) : lines)].join('\n');
}
