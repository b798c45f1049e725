import { describe, expect, it } from 'vitest';
import { buildOperations } from '../../src/openapi/operations.js';
import { loadSpec } from '../../src/openapi/spec.js';

const spec = await loadSpec();

/** The statuses the pipeline can answer on every operation of a kind; each must be documented (the fuzzer found gaps). */
describe('every operation documents the errors its pipeline can answer', () => {
  it.each(buildOperations(spec).map((op) => [op.id, op] as const))('%s', (_id, op) => {
    const want: number[] = [];
    if (op.protocol !== 'oauth') want.push(400);
    if (op.path.startsWith('/_mock/') && op.id !== 'mockHealth') want.push(401, 403, 500);
    if (op.body !== 'none' && op.protocol !== 'oauth') want.push(413, 415, 422);
    if (op.public && op.protocol !== 'oauth') want.push(401, 429, 500);
    expect(want.filter((s) => !op.statuses.includes(s))).toEqual([]);
  });
});
