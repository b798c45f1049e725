import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Spec } from '../openapi/spec.js';
import { renderPage } from './page.js';

/**
 * The inspector's files, built once on the first request to /_mock/ui: the page (rendered from
 * the spec), its style sheet and its script modules (src/inspector/assets/, copied to
 * dist/inspector/assets by the build), each kept raw, gzipped and brotli-compressed. The assets
 * live under a path named by the hash of them all, so they are cached for good (`immutable`);
 * the page is revalidated (ETag) and names the current hash.
 */

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

export interface Asset {
  type: string;
  etag: string;
  raw: Buffer;
  gzip: Buffer;
  br: Buffer;
}

export interface Bundle {
  /** Names the assets' folder: `/_mock/ui/assets/<hash>/<file>`. */
  hash: string;
  page: Asset;
  files: Map<string, Asset>;
}

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

async function asset(type: string, raw: Buffer): Promise<Asset> {
  const [br, gz] = await Promise.all([
    brotli(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } }),
    gzipped(raw, { level: 9 }),
  ]);
  return { type, etag: createHash('sha256').update(raw).digest('base64url').slice(0, 16), raw, br, gzip: gz };
}

export const ASSETS_DIR = new URL('./assets/', import.meta.url);

export async function buildBundle(spec: Spec, version: string): Promise<Bundle> {
  const names = (await readdir(ASSETS_DIR)).filter((n) => TYPES[n.slice(n.lastIndexOf('.'))]).sort();
  const contents = await Promise.all(names.map((n) => readFile(new URL(n, ASSETS_DIR))));
  const whole = createHash('sha256');
  for (const [i, n] of names.entries()) whole.update(n).update('\0').update(contents[i]!).update('\0');
  const hash = whole.digest('hex').slice(0, 12);
  const files = new Map<string, Asset>();
  for (const [i, n] of names.entries()) files.set(n, await asset(TYPES[n.slice(n.lastIndexOf('.'))]!, contents[i]!));
  const base = `/_mock/ui/assets/${hash}/`;
  const html = renderPage(spec, version, { css: `${base}inspector.css`, js: `${base}main.js` });
  return { hash, files, page: await asset('text/html; charset=utf-8', Buffer.from(html)) };
}

/** The encoding to answer with, from Accept-Encoding (brotli, then gzip, else none). */
export function encodingFor(accept: string | undefined): 'br' | 'gzip' | undefined {
  const offered = new Map<string, number>();
  for (const part of (accept ?? '').toLowerCase().split(',')) {
    const [name = '', ...params] = part.trim().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    offered.set(name.trim(), q === undefined ? 1 : Number(q));
  }
  const ok = (name: string) => (offered.get(name) ?? offered.get('*') ?? 0) > 0;
  return ok('br') ? 'br' : ok('gzip') ? 'gzip' : undefined;
}

/** The response for an asset: compressed as the client accepts, 304 when it has this version. */
export function answer(a: Asset, accept: string | undefined, ifNoneMatch: string | undefined, headers: Record<string, string>): Response {
  const encoding = encodingFor(accept);
  const etag = `"${a.etag}${encoding ? `-${encoding}` : ''}"`;
  const common: Record<string, string> = { etag, vary: 'accept-encoding', 'x-content-type-options': 'nosniff', ...headers };
  const tags = (ifNoneMatch ?? '').split(',').map((t) => t.trim().replace(/^W\//, ''));
  if (tags.includes(etag) || tags.includes('*')) return new Response(null, { status: 304, headers: common });
  const body = encoding === 'br' ? a.br : encoding === 'gzip' ? a.gzip : a.raw;
  return new Response(body as Uint8Array<ArrayBuffer>, {
    status: 200,
    headers: { ...common, 'content-type': a.type, 'content-length': String(body.length), ...(encoding ? { 'content-encoding': encoding } : {}) },
  });
}
