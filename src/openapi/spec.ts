import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type JsonObject = Record<string, unknown>;

/** The OpenAPI document, as plain JSON. Treat it as read-only. */
export type Spec = JsonObject & { paths: Record<string, JsonObject>; components: JsonObject };

const root = (rel: string) => fileURLToPath(new URL(rel, import.meta.url));

/** openapi.yaml at the package root (same relative place from src/ and dist/). */
export const specYamlPath = root('../../openapi.yaml');
/** The build writes the parsed spec here (dist/openapi.json) so start-up skips YAML. */
const prebuiltJsonPath = root('../openapi.json');

let cached: Spec | undefined;

/** Loads the spec once per process; it is immutable, so sharing it is safe. */
export async function loadSpec(): Promise<Spec> {
  if (cached) return cached;
  if (existsSync(prebuiltJsonPath)) {
    cached = JSON.parse(readFileSync(prebuiltJsonPath, 'utf8')) as Spec;
  } else {
    const { parse } = await import('yaml');
    cached = parse(readFileSync(specYamlPath, 'utf8')) as Spec;
  }
  return cached;
}

/** Resolves a local `$ref` (`#/components/...`) against the document. */
export function resolveRef<T = JsonObject>(spec: Spec, node: unknown): T {
  let current = node as JsonObject;
  for (let hops = 0; current && typeof current.$ref === 'string'; hops++) {
    if (hops > 20) throw new Error(`$ref cycle at ${String(current.$ref)}`);
    const parts = current.$ref
      .replace(/^#\//, '')
      .split('/')
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    current = parts.reduce<JsonObject>((acc, key) => acc?.[key] as JsonObject, spec);
    if (!current) throw new Error(`Unresolvable $ref ${String((node as JsonObject).$ref)}`);
  }
  return current as T;
}
