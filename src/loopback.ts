/**
 * Names and addresses that always mean this machine: `localhost` and `*.localhost`
 * (RFC 6761), 127.0.0.0/8 and ::1, with or without brackets.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h.endsWith('.localhost') || h.startsWith('127.') || h === '::1' || h === '::ffff:127.0.0.1';
}
