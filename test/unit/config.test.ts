import { describe, expect, it } from 'vitest';
import { ConfigError, defaults, helpText, parseConfig, FLAGS } from '../../src/config.js';

const run = (argv: string[], env: Record<string, string> = {}) => {
  const parsed = parseConfig(argv, env);
  if (parsed.kind !== 'run') throw new Error('expected a run');
  return parsed.config;
};

describe('parseConfig', () => {
  it('has the contract defaults', () => {
    expect(run([])).toEqual(defaults);
    expect(defaults).toMatchObject({ port: 4010, host: '127.0.0.1', plan: 'professional' });
  });

  it.each([
    [['--port', '0'], { port: 0 }],
    [['--port=8080', '--host', '0.0.0.0'], { port: 8080, host: '0.0.0.0' }],
    [['--seed', '99', '--plan', 'business'], { seed: 99, plan: 'business' }],
    [['--data', '/tmp/x.json', '--log-level', 'silent'], { data: '/tmp/x.json', logLevel: 'silent' }],
    [['--fixtures-scale', '100000', '--latency', '50'], { fixturesScale: 100000, latency: 50 }],
    [['--no-rate-limit'], { rateLimit: false }],
    [['--rate-limit'], { rateLimit: true }],
  ])('%j', (argv, expected) => {
    expect(run(argv)).toMatchObject(expected);
  });

  it('reads every option from its environment variable, flags winning', () => {
    expect(run([], { COMMFLOW_MOCK_PORT: '5000', COMMFLOW_MOCK_PLAN: 'starter' })).toMatchObject({ port: 5000, plan: 'starter' });
    expect(run(['--port', '6000'], { COMMFLOW_MOCK_PORT: '5000' })).toMatchObject({ port: 6000 });
    expect(run([], { COMMFLOW_MOCK_RATE_LIMIT: 'false' })).toMatchObject({ rateLimit: false });
    expect(run(['--rate-limit'], { COMMFLOW_MOCK_RATE_LIMIT: 'false' })).toMatchObject({ rateLimit: true });
    for (const f of FLAGS) expect(f.env).toMatch(/^COMMFLOW_MOCK_[A-Z_]+$/);
  });

  it.each([[['--bogus']], [['--port', 'abc']], [['--port', '70000']], [['--plan', 'gold']], [['--seed', '-1']], [['--log-level', 'loud']], [['positional']]])(
    'rejects %j with one line',
    (argv) => {
      expect(() => parseConfig(argv, {})).toThrow(ConfigError);
      try {
        parseConfig(argv, {});
      } catch (err) {
        expect((err as Error).message).not.toContain('\n');
      }
    },
  );

  it.each([
    [['--seed', '-1'], "Invalid --seed '-1': expected a whole number, 0 or more."],
    [['--seed=-1'], "Invalid --seed '-1': expected a whole number, 0 or more."],
    [['--latency', '-5'], "Invalid --latency '-5': expected a whole number, 0 or more."],
    [['--port', '-1'], "Invalid --port '-1': expected a port number from 0 to 65535."],
    [['--port', '0', '--journal-size', '-0.5'], "Invalid --journal-size '-0.5': expected a whole number, 0 or more."],
  ])('a value that starts with a dash is the value of its flag, then validated: %j', (argv, message) => {
    expect(() => parseConfig(argv, {})).toThrow(new ConfigError(message));
  });

  it('the word after a flag that takes a value is its value, dash or not', () => {
    expect(run(['--admin-token', '-s3cret', '--port', '0'])).toMatchObject({ adminToken: '-s3cret', port: 0 });
    expect(run(['--webhook', 'http://a.test/1', '--webhook', 'http://b.test/2'])).toMatchObject({ webhooks: ['http://a.test/1', 'http://b.test/2'] });
    expect(() => parseConfig(['--seed', '-h'], {})).toThrow(new ConfigError("Invalid --seed '-h': expected a whole number, 0 or more."));
  });

  it('a flag where a value should be, or nothing, is a missing value', () => {
    expect(() => parseConfig(['--seed', '--port', '0'], {})).toThrow(new ConfigError('Missing value for --seed: expected --seed N.'));
    expect(() => parseConfig(['--port', '0', '--latency'], {})).toThrow(new ConfigError('Missing value for --latency: expected --latency MS.'));
  });

  it('rejects a bad environment value naming the variable', () => {
    expect(() => parseConfig([], { COMMFLOW_MOCK_PORT: 'x' })).toThrow(/COMMFLOW_MOCK_PORT/);
  });

  it('--help and --version', () => {
    expect(parseConfig(['--help'], {})).toEqual({ kind: 'help' });
    expect(parseConfig(['scenarios'], {})).toEqual({ kind: 'scenarios' });
    expect(() => parseConfig(['scenario'], {})).toThrow("Unknown command 'scenario': commflow-mock takes options, or the command scenarios.");
    expect(() => parseConfig(['scenarios', 'rate-limit'], {})).toThrow("Unexpected argument 'rate-limit' after 'scenarios'.");
    expect(parseConfig(['-v'], {})).toEqual({ kind: 'version' });
    const text = helpText('1.2.3');
    for (const f of FLAGS) {
      expect(text).toContain(f.flag);
      expect(text).toContain(f.env);
    }
  });
});
