import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { answer, buildBundle, encodingFor } from '../../src/inspector/assets.js';
import { loadSpec } from '../../src/openapi/spec.js';

const spec = await loadSpec();
const bundle = await buildBundle(spec, '0.0.0-test');

describe("the inspector's files", () => {
  it.each([
    ['br, gzip', 'br'],
    ['gzip, deflate', 'gzip'],
    ['gzip;q=1, br;q=0', 'gzip'],
    ['*', 'br'],
    ['identity', undefined],
    ['br;q=0, gzip;q=0', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('Accept-Encoding %j → %s', (accept, expected) => {
    expect(encodingFor(accept)).toBe(expected);
  });

  it('live under the hash of them all; the page names that folder and holds no inline script', () => {
    expect(bundle.hash).toMatch(/^[0-9a-f]{12}$/);
    expect([...bundle.files.keys()]).toEqual(expect.arrayContaining(['main.js', 'inspector.css', 'requests.js', 'webhooks.js', 'state.js', 'controls.js']));
    const html = bundle.page.raw.toString();
    expect(html).toContain(`<script type="module" src="/_mock/ui/assets/${bundle.hash}/main.js">`);
    expect(html).toContain(`href="/_mock/ui/assets/${bundle.hash}/inspector.css"`);
    expect(html).not.toMatch(/<script(?![^>]*src=)/);
    expect(html).not.toMatch(/ style=/);
  });

  it('are built the same way twice (same hash, same bytes)', async () => {
    const again = await buildBundle(spec, '0.0.0-test');
    expect(again.hash).toBe(bundle.hash);
    expect(again.page.etag).toBe(bundle.page.etag);
  });

  it('are served compressed as the client accepts, each encoding its own ETag, and 304 for the one it has', async () => {
    const js = bundle.files.get('main.js')!;
    const br = answer(js, 'gzip, br', undefined, {});
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('vary')).toBe('accept-encoding');
    expect(brotliDecompressSync(Buffer.from(await br.arrayBuffer())).equals(js.raw)).toBe(true);
    const gz = answer(js, 'gzip', undefined, {});
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).equals(js.raw)).toBe(true);
    const plain = answer(js, undefined, undefined, {});
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(Buffer.from(await plain.arrayBuffer()).equals(js.raw)).toBe(true);
    expect(new Set([br, gz, plain].map((r) => r.headers.get('etag'))).size).toBe(3);
    const again = answer(js, 'br', br.headers.get('etag')!, {});
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(answer(js, 'gzip', br.headers.get('etag')!, {}).status).toBe(200);
    expect(answer(js, 'br', `"other", W/${br.headers.get('etag')}`, {}).status).toBe(304);
  });

  it('are small: the page, its style sheet and every script together under 60 KB compressed', () => {
    const all = [bundle.page, ...bundle.files.values()];
    const compressed = all.reduce((n, a) => n + a.br.length, 0);
    expect(compressed).toBeLessThan(60_000);
    for (const a of all) expect(a.gzip.length).toBeLessThan(a.raw.length);
  });
});
