/**
 * Records keyed by client input (workspace ids, record ids) live in objects without a
 * prototype, so `toString`, `constructor` or `__proto__` are plain keys that are absent
 * unless stored. JSON.stringify and structuredClone treat them like any object.
 */
export type Dict<T> = Record<string, T>;

/** A prototype-less copy of `entries` (own keys only, `__proto__` included). */
export function dict<T>(entries?: Readonly<Record<string, T>>): Dict<T> {
  const out = Object.create(null) as Dict<T>;
  if (entries) for (const key of Object.keys(entries)) out[key] = entries[key]!;
  return out;
}

/** The value stored under `key` itself, never one inherited from a prototype. */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
