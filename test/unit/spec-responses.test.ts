import { describe, expect, it } from 'vitest';
import { buildOperations, type Operation } from '../../src/openapi/operations.js';
import { loadSpec, resolveRef, type JsonObject } from '../../src/openapi/spec.js';

const spec = await loadSpec();
const operations = buildOperations(spec);

/** The statuses a fault rule can inject (FaultRule.status in openapi.yaml) into any /v1 or /oauth request. */
const FAULT_STATUSES = (resolveRef(spec, (spec.components.schemas as JsonObject).FaultRule).properties as Record<string, JsonObject>).status!.enum as number[];

function responsesOf(op: Operation): Record<string, JsonObject> {
  const raw = (spec.paths[op.path]![op.method] as JsonObject).responses as Record<string, unknown>;
  return Object.fromEntries(Object.entries(raw).map(([status, r]) => [status, resolveRef(spec, r)]));
}

/** The statuses the pipeline can answer on every operation of a kind; each must be documented (the fuzzer found gaps). */
describe('every operation documents what its pipeline answers', () => {
  it.each(operations.map((op) => [op.id, op] as const))('%s', (_id, op) => {
    const want: number[] = [400, 500];
    // Health is open to all; the inspector page is same-origin only and asks for the admin token itself.
    if (op.path.startsWith('/_mock/') && op.id !== 'mockHealth') want.push(...(op.id === 'mockUi' ? [403] : [401, 403]));
    if (op.body !== 'none' && op.protocol !== 'oauth') want.push(413, 415, 422);
    if (op.body !== 'none' && op.protocol === 'oauth') want.push(413);
    if (op.public && op.protocol !== 'oauth') want.push(401, 429);
    if (op.public) want.push(...FAULT_STATUSES);
    expect([...new Set(want)].filter((s) => !op.statuses.includes(s)).sort()).toEqual([]);
  });

  it('fault rules can inject 502, 503 and 504 (documented above on every /v1 and /oauth operation)', () => {
    expect(FAULT_STATUSES).toEqual(expect.arrayContaining([502, 503, 504]));
  });
});

describe('rate-limit headers are documented exactly where they are sent', () => {
  const RATE_HEADERS = ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'];
  it.each(operations.map((op) => [op.id, op] as const))('%s', (_id, op) => {
    const onV1 = op.path.startsWith('/v1/');
    for (const [status, response] of Object.entries(responsesOf(op))) {
      const headers = Object.keys((response.headers as JsonObject | undefined) ?? {});
      // Every /v1 answer, errors included, carries them; /_mock and /oauth are never rate-limited.
      if (onV1) expect(headers, `${op.id} ${status}`).toEqual(expect.arrayContaining(RATE_HEADERS));
      else
        expect(
          headers.filter((h) => RATE_HEADERS.includes(h)),
          `${op.id} ${status}`,
        ).toEqual([]);
      if (status === '429') expect(headers, `${op.id} 429`).toContain('Retry-After');
    }
  });
});

describe('the consent form (POST /oauth/authorize)', () => {
  it('documents every field the consent page posts', () => {
    const body = resolveRef(spec, (spec.paths['/oauth/authorize']!.post as JsonObject).requestBody);
    const schema = resolveRef(spec, ((body.content as JsonObject)['application/x-www-form-urlencoded'] as JsonObject).schema);
    // The page posts the authorization request's parameters (all but `prompt`) as hidden fields, plus the button's `decision`.
    const getParams = ((spec.paths['/oauth/authorize']!.get as JsonObject).parameters as JsonObject[]).map((p) => String(resolveRef(spec, p).name));
    const fields = [...getParams.filter((n) => n !== 'prompt'), 'decision'];
    expect(Object.keys(schema.properties as JsonObject).sort()).toEqual(fields.sort());
  });
});
