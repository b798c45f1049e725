import { lookup, type LookupAddress } from 'node:dns';
import { lookup as lookupAsync } from 'node:dns/promises';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { isLoopbackHost } from '../loopback.js';

/** Where this server listens (a webhook must not reach it: a tenant could drive /_mock). */
export interface Listener {
  host: string;
  port: number;
}

/** `::ffff:7f00:1` and `::ffff:127.0.0.1` → `127.0.0.1`; other addresses lower-cased, without brackets. */
function plain(address: string): string {
  const a = address.toLowerCase().replace(/^\[|\]$/g, '');
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (dotted) return dotted[1]!;
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(a);
  if (!hex) return a;
  const [hi, lo] = [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16)];
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** Loopback, unspecified, or an address of one of this machine's interfaces. */
export function isOwnAddress(address: string): boolean {
  const a = plain(address);
  if (isLoopbackHost(a) || a === '0.0.0.0' || a === '::' || a === '0:0:0:0:0:0:0:1') return true;
  return Object.values(networkInterfaces()).some((list) => list?.some((i) => plain(i.address) === a));
}

function portOf(url: URL): number {
  return Number(url.port || (url.protocol === 'https:' ? 443 : 80));
}

/**
 * Whether a URL reaches this server's own listener, in any spelling: loopback names and
 * addresses, 0.0.0.0, the bound host, or a name that resolves to one of them (looked up
 * for at most `timeoutMs`; a name that does not resolve reaches nothing).
 */
export async function reachesSelf(url: string, listener: Listener | undefined, timeoutMs = 2_000): Promise<boolean> {
  if (!listener) return false;
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return false;
  }
  if (portOf(target) !== listener.port) return false;
  const host = plain(target.hostname);
  if (host === plain(listener.host) || isLoopbackHost(host)) return true;
  if (isIP(host)) return isOwnAddress(host);
  let timer: NodeJS.Timeout | undefined;
  const found = await Promise.race([
    lookupAsync(host, { all: true }).catch(() => [] as LookupAddress[]),
    new Promise<LookupAddress[]>((resolve) => (timer = setTimeout(() => resolve([]), timeoutMs))),
  ]);
  clearTimeout(timer);
  return found.some((a) => isOwnAddress(a.address));
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for outgoing webhook connections that refuses to connect to this server's port
 * on one of its own addresses, whatever the name resolved to at subscription time.
 */
export function guardedLookup(listener: () => Listener | undefined, port: number) {
  return (hostname: string, options: object, callback: LookupCallback): void => {
    lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const own = listener();
      if (own && port === own.port && addresses.some((a) => isOwnAddress(a.address))) {
        const refused = Object.assign(new Error('the URL reaches this server itself'), { code: 'ESELF' });
        return callback(refused, []);
      }
      if ((options as { all?: boolean }).all) return callback(null, addresses);
      return callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

export { portOf };
