import { describe, expect, it } from 'vitest';
import { loadSpec } from '../../src/openapi/spec.js';
import { harness } from '../helpers/harness.js';
import { tryOutOrder, type CreatedIds } from '../helpers/try-it-out.js';

const spec = await loadSpec();

/**
 * What Dredd and the playground's "Try it out" do: every operation sent with the spec's examples
 * alone (path parameters, query parameters, request bodies) answers its documented success on a
 * fresh server. The /docs browser test (test/e2e/docs.test.ts) presses Execute on the same list.
 */
describe('every operation succeeds with its examples', () => {
  // About 4 s alone (80 operations, a stream that stays open 500 ms among them); far more beside other files.
  it('in the try-it-out order, on a fresh server', { timeout: 60_000 }, async () => {
    const h = await harness();
    const ids: CreatedIds = {};
    const failures: string[] = [];
    for (const op of tryOutOrder(spec)) {
      const search = new URLSearchParams(op.query).toString();
      const url = `${op.path(ids)}${search ? `?${search}` : ''}`;
      const form = op.body?.type === 'application/x-www-form-urlencoded';
      const res = await h.call(op.method.toUpperCase(), url, {
        key: op.template.startsWith('/v1/') ? undefined : null,
        ...(op.body ? { body: form ? new URLSearchParams(op.body.value as Record<string, string>).toString() : op.body.value } : {}),
        ...(form ? { headers: { 'content-type': 'application/x-www-form-urlencoded' } } : {}),
      });
      if (res.status !== op.success) failures.push(`${op.id} ${op.method.toUpperCase()} ${url} → ${res.status} ${res.text.slice(0, 200)}`);
      if (op.id === 'createWebhook') ids.webhook = res.body?.data?.id;
      if (op.id === 'mockCreateWorkspace') ids.workspace = res.body?.data?.workspace?.id;
      if (op.id === 'mockListDeliveries') ids.delivery = res.body?.data?.[0]?.id;
    }
    expect(failures).toEqual([]);
  });

  it('leaves no path parameter or request body without an example', () => {
    const ops = tryOutOrder(spec);
    expect(ops.length).toBe(Object.values(spec.paths).flatMap((item) => Object.keys(item).filter((k) => k !== 'parameters')).length);
    for (const op of ops) if (op.body) expect(op.body.value, op.id).toBeTruthy();
  });
});
