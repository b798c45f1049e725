import { describe, expect, it } from 'vitest';
import { STATUS_OF_TYPE } from '../../src/errors.js';
import { loadSpec } from '../../src/openapi/spec.js';
import { descriptors } from '../../src/resources/descriptors.js';
import { ALL_SCOPES, PLAN_LIMITS } from '../../src/store/types.js';

/** What the code keeps a copy of must equal what openapi.yaml says (issue 13: the spec is the source). */
const spec = await loadSpec();
const schemas = spec.components.schemas as Record<string, { enum?: string[]; description?: string; properties?: Record<string, { enum?: string[] }> }>;

describe('the copies of openapi.yaml in code', () => {
  it("scopes: ALL_SCOPES is the Scope enum and the oauth2 scheme's scopes", () => {
    expect([...ALL_SCOPES].sort()).toEqual([...schemas.Scope!.enum!].sort());
    const oauth2 = (spec.components.securitySchemes as Record<string, { flows: { authorizationCode: { scopes: object } } }>).oauth2!;
    expect([...ALL_SCOPES].sort()).toEqual(Object.keys(oauth2.flows.authorizationCode.scopes).sort());
  });

  it('plans: PLAN_LIMITS covers the Plan enum with the limits its description states', () => {
    expect(Object.keys(PLAN_LIMITS).sort()).toEqual([...schemas.Plan!.enum!].sort());
    for (const [plan, limit] of Object.entries(PLAN_LIMITS)) expect(schemas.Plan!.description).toContain(`${plan} ${limit}`);
  });

  it("error types: the catalogue's six are the fault rules' error_type enum", () => {
    expect(Object.keys(STATUS_OF_TYPE).sort()).toEqual([...schemas.FaultRule!.properties!.error_type!.enum!].sort());
  });

  it('events: what the descriptors emit is exactly the EventType enum', () => {
    const emitted = new Set<string>();
    const record = { id: 'x', assignee_id: 'user_1', created_at: '', updated_at: '' };
    for (const d of Object.values(descriptors)) {
      for (const kind of ['created', 'updated', 'deleted'] as const)
        for (const e of d.events?.(kind, record, { ...record, assignee_id: null }) ?? []) emitted.add(e);
    }
    expect([...emitted].filter((e) => !schemas.EventType!.enum!.includes(e))).toEqual([]);
    expect(schemas.EventType!.enum!.filter((e) => !emitted.has(e))).toEqual([]);
  });

  it("OAuth: the grant types handled are TokenRequest's grant_type enum", async () => {
    const source = (await import('node:fs')).readFileSync(new URL('../../src/routes/oauth.ts', import.meta.url), 'utf8');
    const handled = [...source.matchAll(/case '([a-z_]+)':/g)].map((m) => m[1]!).sort();
    expect(handled).toEqual([...schemas.TokenRequest!.properties!.grant_type!.enum!].sort());
  });
});
