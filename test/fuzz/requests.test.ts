import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { fuzzRequest, Generator, rng, type FuzzContext } from '../helpers/fuzz.js';
import { harness } from '../helpers/harness.js';
import { assertMatchesSpec } from '../helpers/spec-check.js';

/** The first event of a Server-Sent Events answer; the stream is then closed. */
async function firstEvent(res: Response): Promise<string> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes('\n\n')) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel();
  return text;
}

/** `npm test` runs a few thousand; `npm run fuzz` sets FUZZ_REQUESTS=100000 (and FUZZ_SEED to vary the run). */
const TOTAL = Number(process.env.FUZZ_REQUESTS ?? 3000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261124);

describe(`fuzzing every operation of openapi.yaml in-process (${TOTAL} requests, seed ${SEED})`, () => {
  it('never crashes, never answers an unasked 5xx, always answers as the spec says', async () => {
    const logged: string[] = [];
    const h = await harness({ logger: createLogger('error', (line) => logged.push(line)), seed: 3 });
    const other = (await h.call('POST', '/_mock/workspaces', { key: null, body: {} })).body.data;
    const readOnly = (await h.call('POST', '/_mock/api-keys', { key: null, body: { scopes: ['read:tickets'] } })).body.data.key;
    const ctx: FuzzContext = {
      spec: h.deps.spec,
      // Fault rules, and the scenarios that arm them, answer 5xx on purpose.
      operations: h.deps.operations.filter((op) => op.id !== 'mockCreateFault' && op.id !== 'mockArmScenario'),
      credentials: [null, 'sk_test_commflow', 'sk_test_commflow', 'sk_live_commflow', other.api_key, readOnly, 'sk_test_nope', 'cfat_forged'],
      ids: {
        id: ['ticket_123', 'conv_123', 'contact_123', 'user_123', 'ticket_124', other.workspace.id, 'key_default_live'],
        message_id: ['msg_100', 'msg_101'],
        name: ['fuzz'],
      },
    };
    const r = rng(SEED);
    const g = new Generator(h.deps.spec, r);
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    for (let n = 0; n < TOTAL && failures.length < 5; n++) {
      const op = ctx.operations[Math.floor(r() * ctx.operations.length)]!;
      const req = fuzzRequest(ctx, g, r, op);
      const where = `#${n} ${req.method} ${req.path.slice(0, 120)} (${op.id}, ${req.how})`;
      try {
        let timer: NodeJS.Timeout | undefined;
        const hung = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no answer within 5 s')), 5000)));
        const res = await Promise.race([h.app.request(req.path, { method: req.method, headers: req.headers, body: req.body }), hung]);
        // A stream (GET /_mock/stream) never ends by itself: its first event is its answer.
        const streamed = res.status === 200 && req.method !== 'HEAD' && (res.headers.get('content-type') ?? '').includes('event-stream');
        const text = await Promise.race([streamed ? firstEvent(res) : res.text(), hung]);
        if (streamed && !text.startsWith('event: ready\n')) throw new Error(`a stream that does not start with ready: ${text.slice(0, 200)}`);
        clearTimeout(timer);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status >= 500 && !req.asksFor5xx) throw new Error(`unasked ${res.status}: ${text.slice(0, 300)}`);
        const type = res.headers.get('content-type') ?? '';
        if (res.status >= 400 && req.method !== 'HEAD' && !type.includes('json') && !type.includes('text/html')) throw new Error(`non-JSON ${res.status}`);
        const body = type.includes('json') && text ? JSON.parse(text) : type.includes('text/html') ? text : null;
        if (req.method !== 'HEAD') await assertMatchesSpec(req.method, req.path, res.status, res.status === 204 ? null : body);
      } catch (err) {
        failures.push(`${where}: ${(err as Error).message.slice(0, 600)}`);
      }
      if (n % 250 === 0) {
        expect(Object.keys(Object.prototype), where).toEqual([]);
        expect((await h.app.request('/_mock/health')).status, where).toBe(200);
      }
    }
    expect(failures).toEqual([]);
    expect(logged, 'nothing was logged as an error').toEqual([]);
    expect(h.deps.feed.size, 'every stream the fuzzer opened was closed with it').toBe(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Whatever happened, the state is still valid: it exports, and restores as it is.
    const state = await h.app.request('/_mock/state');
    expect(state.status).toBe(200);
    const back = await h.app.request('/_mock/state', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: await state.text() });
    expect(back.status).toBe(200);
    // The run reached past validation: successes and refusals both occurred.
    expect([...statuses.keys()].some((s) => s < 300)).toBe(true);
    expect([...statuses.keys()].some((s) => s === 422)).toBe(true);
  }, 600_000);
});
