import { describe, expect, it } from 'vitest';
import { specBackend } from '../helpers/spec-check.js';

describe('openapi.yaml', () => {
  // Full validation of the whole document takes ~10 s on an idle 2-core box, several times that beside a busy suite.
  it('is a valid OpenAPI 3.0 document (openapi-backend, strict, full validation)', { timeout: 120_000 }, async () => {
    const backend = await specBackend({ quick: false });
    expect(backend.document.openapi).toBe('3.0.3');
    expect(backend.getOperations().length).toBeGreaterThan(50);
  });
});
