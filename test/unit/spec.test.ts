import { describe, expect, it } from 'vitest';
import { specBackend } from '../helpers/spec-check.js';

describe('openapi.yaml', () => {
  it('is a valid OpenAPI 3.0 document (openapi-backend, strict, full validation)', async () => {
    const backend = await specBackend({ quick: false });
    expect(backend.document.openapi).toBe('3.0.3');
    expect(backend.getOperations().length).toBeGreaterThan(50);
  });
});
