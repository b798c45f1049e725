import { describe, expect, it } from 'vitest';
import { specBackend } from '../helpers/spec-check.js';

describe('openapi.yaml', () => {
  // Full validation compiles every schema of the spec: about 8 s alone, three times that beside other files.
  it('is a valid OpenAPI 3.0 document (openapi-backend, strict, full validation)', { timeout: 60_000 }, async () => {
    const backend = await specBackend({ quick: false });
    expect(backend.document.openapi).toBe('3.0.3');
    expect(backend.getOperations().length).toBeGreaterThan(50);
  });
});
