/** The credential of an `Authorization: Bearer <token>` header (scheme case-insensitive), if that is its form. */
export function bearerToken(header: string | undefined): string | undefined {
  return header ? /^Bearer[ ]+(\S+)\s*$/i.exec(header)?.[1] : undefined;
}
