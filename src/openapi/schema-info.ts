import { resolveRef, type JsonObject, type Spec } from './spec.js';

/** A schema with `$ref` and single-element `allOf` wrappers unwrapped, keeping the outer `default`. */
function unwrap(spec: Spec, node: unknown): JsonObject {
  let schema = resolveRef(spec, node);
  while (Array.isArray(schema.allOf) && schema.allOf.length === 1) {
    const { allOf, ...rest } = schema;
    schema = { ...resolveRef(spec, allOf[0]), ...rest };
  }
  return schema;
}

export function propertiesOf(spec: Spec, schema: unknown): Record<string, JsonObject> {
  const props = (unwrap(spec, schema).properties ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, unwrap(spec, v)]));
}

/** Values a write starts from: each property's `default`, else null for nullable properties. */
export function writeDefaults(spec: Spec, schema: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, prop] of Object.entries(propertiesOf(spec, schema))) {
    if (prop.default !== undefined) out[name] = structuredClone(prop.default);
    else if (prop.nullable === true) out[name] = null;
  }
  return out;
}

/** For fields with an enum: value → its position, so sorting follows the spec's order (low < urgent). */
export function enumRanks(spec: Spec, schema: unknown): Record<string, Map<unknown, number>> {
  const out: Record<string, Map<unknown, number>> = {};
  for (const [name, prop] of Object.entries(propertiesOf(spec, schema))) {
    if (Array.isArray(prop.enum)) out[name] = new Map(prop.enum.map((v, i) => [v, i]));
  }
  return out;
}

/** The JSON schema of an operation's request body, if any. */
export function requestSchemaOf(spec: Spec, path: string, method: string): JsonObject | undefined {
  const op = spec.paths[path]?.[method] as JsonObject | undefined;
  if (!op?.requestBody) return undefined;
  const body = resolveRef(spec, op.requestBody);
  const content = (body.content as Record<string, JsonObject> | undefined)?.['application/json'];
  return content?.schema ? resolveRef(spec, content.schema) : undefined;
}
