/**
 * `*@company.com` → a matcher of lower-cased values (`*` is any run of characters, anchored
 * at both ends); no `*` means equality. Globs are matched with indexOf, not a regex.
 */
export function textMatcher(pattern: string): (lowered: unknown) => boolean {
  const parts = pattern.toLowerCase().split('*');
  if (parts.length === 1) {
    const wanted = parts[0];
    return (value) => value === wanted;
  }
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  const middle = parts.slice(1, -1).filter(Boolean);
  const minLength = parts.reduce((n, p) => n + p.length, 0);
  return (value) => {
    if (typeof value !== 'string' || value.length < minLength) return false;
    if (!value.startsWith(first) || !value.endsWith(last)) return false;
    let at = first.length;
    const end = value.length - last.length;
    for (const part of middle) {
      const found = value.indexOf(part, at);
      if (found < 0 || found + part.length > end) return false;
      at = found + part.length;
    }
    return true;
  };
}
