import type { LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import type { NetworkInterfaceInfo } from 'node:os';
import { isLoopbackHost } from '../loopback.js';

// node:dns and node:os are loaded on first use: start-up does not pay for them (~8 ms).
let interfaces: NetworkInterfaceInfo[] | undefined;
const loadInterfaces = async () => (interfaces ??= Object.values((await import('node:os')).networkInterfaces()).flatMap((l) => l ?? []));

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

/** Loopback, unspecified, or an address of one of this machine's interfaces (read once, on first use). */
export async function isOwnAddress(address: string): Promise<boolean> {
  const a = plain(address);
  if (isLoopbackHost(a) || a === '0.0.0.0' || a === '::' || a === '0:0:0:0:0:0:0:1') return true;
  return (await loadInterfaces()).some((i) => plain(i.address) === a);
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
  const { lookup } = await import('node:dns/promises');
  let timer: NodeJS.Timeout | undefined;
  const found = await Promise.race([
    lookup(host, { all: true }).catch(() => [] as LookupAddress[]),
    new Promise<LookupAddress[]>((resolve) => (timer = setTimeout(() => resolve([]), timeoutMs))),
  ]);
  clearTimeout(timer);
  for (const a of found) if (await isOwnAddress(a.address)) return true;
  return false;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for outgoing webhook connections that refuses to connect to this server's port
 * on one of its own addresses, whatever the name resolved to at subscription time.
 */
export function guardedLookup(listener: () => Listener | undefined, port: number) {
  return (hostname: string, options: object, callback: LookupCallback): void => {
    const resolve = async () => {
      const { lookup } = await import('node:dns/promises');
      const addresses = await lookup(hostname, { ...options, all: true });
      const own = listener();
      if (own && port === own.port) {
        for (const a of addresses) {
          if (await isOwnAddress(a.address)) throw Object.assign(new Error('the URL reaches this server itself'), { code: 'ESELF' });
        }
      }
      return addresses;
    };
    resolve().then(
      (addresses) => ((options as { all?: boolean }).all ? callback(null, addresses) : callback(null, addresses[0]!.address, addresses[0]!.family)),
      (err: NodeJS.ErrnoException) => callback(err, []),
    );
  };
}

export { portOf };
