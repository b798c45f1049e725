/**
 * Nesting limits for JSON. Request bodies are scanned before they are parsed: what is kept
 * must stay printable and checkable (JSON.stringify, ajv and structuredClone recurse, and
 * overflow the stack on values nested some thousands deep). Parsed values are measured where
 * the spec bounds a free-form value with `x-max-depth`.
 */

/** Whether JSON text opens more than `limit` arrays/objects inside each other (strings skipped). */
export function nestedDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92)
        i++; // backslash: skip the escaped character
      else if (ch === 34) inString = false;
    } else if (ch === 34) inString = true;
    else if (ch === 123 || ch === 91) {
      if (++depth > limit) return true;
    } else if (ch === 125 || ch === 93) depth--;
  }
  return false;
}

/** Levels of arrays/objects in a parsed value (a scalar is 0), counting no further than `limit + 1`. */
export function depthOf(value: unknown, limit: number): number {
  if (value === null || typeof value !== 'object') return 0;
  if (limit < 0) return 1;
  let deepest = 0;
  for (const child of Object.values(value)) {
    deepest = Math.max(deepest, depthOf(child, limit - 1));
    if (deepest > limit) break;
  }
  return deepest + 1;
}
