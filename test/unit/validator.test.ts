import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../src/errors.js';
import { toApiError } from '../../src/openapi/messages.js';
import { buildOperations } from '../../src/openapi/operations.js';
import { loadSpec } from '../../src/openapi/spec.js';
import { createValidator, readQuery } from '../../src/openapi/validator.js';

// The validator's errors pass through toApiError: watched, not replaced.
vi.mock('../../src/openapi/messages.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/openapi/messages.js')>();
  return { ...original, toApiError: vi.fn(original.toApiError) };
});

const spec = await loadSpec();
const operations = buildOperations(spec);

describe('the request validator the server uses', () => {
  const validator = createValidator(spec);

  it.each(operations.map((op) => [op.id, op] as const))('%s compiles and reports failures as CommFlow errors only', async (_id, op) => {
    const v = await validator();
    const params = Object.fromEntries([...op.path.matchAll(/\{(\w+)\}/g)].map((m) => [m[1]!, 'x'.repeat(101)]));
    const outcomes = [undefined, {}, [], 'text', { nope: 1 }].map((body) => {
      try {
        v.validate(op, { params, search: '', headers: {}, body });
        return 'valid';
      } catch (err) {
        expect(err).toBeInstanceOf(ApiError);
        return 'refused';
      }
    });
    // A 101-character id breaks every path parameter's maxLength, a text body every body schema; OAuth operations have required parameters.
    const mustRefuse = Object.keys(params).length > 0 || op.body !== 'none' || op.protocol === 'oauth';
    if (mustRefuse) expect(outcomes).toContain('refused');
    else expect(outcomes.filter((o) => o === 'refused')).toEqual([]);
  });

  it('splits comma lists and rejects repeats of single values', () => {
    const op = operations.find((o) => o.id === 'listTickets')!;
    expect(readQuery(op, 'status=open,pending&status=closed&q=a+b')).toEqual({ status: ['open', 'pending', 'closed'], q: 'a b' });
    expect(() => readQuery(op, 'q=a&q=b')).toThrow(/given once/);
  });

  it('stops at the first error: 90,000 unknown keys make one error, not 90,000', async () => {
    const v = await validator();
    const op = operations.find((o) => o.id === 'mockCreateFault')!;
    const body = Object.fromEntries(Array.from({ length: 90_000 }, (_, i) => [`k${i}`, i]));
    vi.mocked(toApiError).mockClear();
    expect(() => v.validate(op, { params: {}, search: '', headers: {}, body })).toThrow(/Unknown field 'k0'/);
    // Collecting every error (ajv's allErrors) cost 85-180 ms of CPU for this body; the first one, ~20.
    expect(vi.mocked(toApiError).mock.calls.map(([found]) => found.length)).toEqual([1]);
  });
});
