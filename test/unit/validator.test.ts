import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/errors.js';
import { buildOperations } from '../../src/openapi/operations.js';
import { loadSpec } from '../../src/openapi/spec.js';
import { getValidator, readQuery } from '../../src/openapi/validator.js';

const spec = await loadSpec();
const operations = buildOperations(spec);

describe('the request validator the server uses', () => {
  it.each(operations.map((op) => [op.id, op] as const))('%s compiles and reports failures as CommFlow errors only', async (_id, op) => {
    const validator = await getValidator(spec);
    const params = Object.fromEntries([...op.path.matchAll(/\{(\w+)\}/g)].map((m) => [m[1]!, 'x'.repeat(101)]));
    for (const body of [undefined, {}, [], 'text', { nope: 1 }]) {
      try {
        validator.validate(op, { params, search: '', headers: {}, body });
      } catch (err) {
        expect(err).toBeInstanceOf(ApiError);
      }
    }
  });

  it('splits comma lists and rejects repeats of single values', () => {
    const op = operations.find((o) => o.id === 'listTickets')!;
    expect(readQuery(op, 'status=open,pending&status=closed&q=a+b')).toEqual({ status: ['open', 'pending', 'closed'], q: 'a b' });
    expect(() => readQuery(op, 'q=a&q=b')).toThrow(/given once/);
  });
});
