import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { LOG_LEVELS, type LogFormat, type LogLevel } from './logger.js';
import { PLAN_LIMITS, type Plan } from './store/types.js';

export interface Config {
  port: number;
  host: string;
  seed: number;
  /** Directory of hand-written fixtures and generate.json. */
  fixtures: string;
  /** Generate this many contacts, conversations and tickets (benchmarks). */
  fixturesScale?: number;
  /** Persist state to this JSON file. */
  data?: string;
  plan: Plan;
  /** Enforce the plans' per-minute limits (--no-rate-limit turns it off). */
  rateLimit: boolean;
  /** Added to every /v1 response, in milliseconds. */
  latency: number;
  logLevel: LogLevel;
  /** `pretty` (coloured in a terminal) or `json` lines; default pretty in a TTY, json otherwise. */
  logFormat?: LogFormat;
  /** Largest accepted request body, in bytes. */
  bodyLimit: number;
  /** Largest snapshot `PUT /_mock/state` accepts, in bytes. */
  restoreLimit: number;
  /** URLs subscribed to every event at start (--webhook, repeatable). */
  webhooks: string[];
  /** Delays before each webhook retry, in ms; after the last one a delivery is failed. */
  webhookRetries: number[];
  /** Per-attempt webhook timeout, in ms. */
  webhookTimeout: number;
  /** When set, /_mock/* (but health) needs `Authorization: Bearer <token>`. */
  adminToken?: string;
  /** Show the OAuth consent page on every authorization, as if `prompt=consent`. */
  oauthConsent: boolean;
  /** Most workspaces held at once, the default one included. */
  maxWorkspaces: number;
  /** Most records per collection per workspace (plus --fixtures-scale, when given). */
  maxRecords: number;
  /** Most named snapshots held at once. */
  maxSnapshots: number;
  /** Most requests the journal keeps (it also keeps at most 32 MiB). */
  journalSize: number;
}

export const DEFAULT_FIXTURES = fileURLToPath(new URL('../fixtures', import.meta.url));

export const defaults: Config = {
  port: 4010,
  host: '127.0.0.1',
  seed: 1,
  fixtures: DEFAULT_FIXTURES,
  plan: 'professional',
  rateLimit: true,
  latency: 0,
  logLevel: 'info',
  bodyLimit: 1024 * 1024,
  restoreLimit: 16 * 1024 * 1024,
  webhooks: [],
  webhookRetries: [1_000, 5_000, 30_000, 120_000, 600_000],
  webhookTimeout: 5_000,
  oauthConsent: false,
  maxWorkspaces: 500,
  maxRecords: 100_000,
  maxSnapshots: 50,
  journalSize: 10_000,
};

export class ConfigError extends Error {}

type Kind = 'port' | 'int' | 'string' | 'plan' | 'level' | 'format' | 'switch' | 'urls' | 'durations';

interface Flag {
  key: keyof Config;
  flag: string;
  env: string;
  kind: Kind;
  help: string;
  arg: string;
}

/** Every option, once: its flag, its environment variable, its type and its help line. */
export const FLAGS: Flag[] = [
  { key: 'port', flag: 'port', env: 'COMMFLOW_MOCK_PORT', kind: 'port', arg: 'N', help: 'Port to listen on; 0 picks a free one (default 4010)' },
  { key: 'host', flag: 'host', env: 'COMMFLOW_MOCK_HOST', kind: 'string', arg: 'HOST', help: 'Address to bind (default 127.0.0.1)' },
  { key: 'seed', flag: 'seed', env: 'COMMFLOW_MOCK_SEED', kind: 'int', arg: 'N', help: 'Seed of the generated fixtures (default 1)' },
  {
    key: 'fixtures',
    flag: 'fixtures',
    env: 'COMMFLOW_MOCK_FIXTURES',
    kind: 'string',
    arg: 'DIR',
    help: 'Directory of hand-written fixtures (default: the bundled ones)',
  },
  {
    key: 'fixturesScale',
    flag: 'fixtures-scale',
    env: 'COMMFLOW_MOCK_FIXTURES_SCALE',
    kind: 'int',
    arg: 'N',
    help: 'Generate N contacts, conversations and tickets (for benchmarks)',
  },
  { key: 'data', flag: 'data', env: 'COMMFLOW_MOCK_DATA', kind: 'string', arg: 'FILE', help: 'Persist state in this JSON file (default: memory only)' },
  { key: 'plan', flag: 'plan', env: 'COMMFLOW_MOCK_PLAN', kind: 'plan', arg: 'PLAN', help: 'Plan of the default keys: starter, professional or business' },
  {
    key: 'rateLimit',
    flag: 'rate-limit',
    env: 'COMMFLOW_MOCK_RATE_LIMIT',
    kind: 'switch',
    arg: '',
    help: 'Enforce per-minute limits by plan (default on; --no-rate-limit, or env false, turns it off)',
  },
  { key: 'latency', flag: 'latency', env: 'COMMFLOW_MOCK_LATENCY', kind: 'int', arg: 'MS', help: 'Delay every /v1 response by MS milliseconds (default 0)' },
  { key: 'bodyLimit', flag: 'body-limit', env: 'COMMFLOW_MOCK_BODY_LIMIT', kind: 'int', arg: 'BYTES', help: 'Largest request body accepted (default 1048576)' },
  {
    key: 'restoreLimit',
    flag: 'restore-limit',
    env: 'COMMFLOW_MOCK_RESTORE_LIMIT',
    kind: 'int',
    arg: 'BYTES',
    help: 'Largest snapshot PUT /_mock/state accepts (default 16777216)',
  },
  {
    key: 'webhooks',
    flag: 'webhook',
    env: 'COMMFLOW_MOCK_WEBHOOK',
    kind: 'urls',
    arg: 'URL',
    help: 'Subscribe URL to every event at start (repeatable; env: comma list)',
  },
  {
    key: 'webhookRetries',
    flag: 'webhook-retries',
    env: 'COMMFLOW_MOCK_WEBHOOK_RETRIES',
    kind: 'durations',
    arg: 'LIST',
    help: 'Webhook retry delays (default 1s,5s,30s,2m,10m; "" for none)',
  },
  {
    key: 'webhookTimeout',
    flag: 'webhook-timeout',
    env: 'COMMFLOW_MOCK_WEBHOOK_TIMEOUT',
    kind: 'int',
    arg: 'MS',
    help: 'Deadline of a whole webhook attempt (default 5000)',
  },
  {
    key: 'adminToken',
    flag: 'admin-token',
    env: 'COMMFLOW_MOCK_ADMIN_TOKEN',
    kind: 'string',
    arg: 'TOKEN',
    help: 'Require Authorization: Bearer TOKEN on /_mock/* (health stays open)',
  },
  {
    key: 'oauthConsent',
    flag: 'oauth-consent',
    env: 'COMMFLOW_MOCK_OAUTH_CONSENT',
    kind: 'switch',
    arg: '',
    help: 'Show the OAuth consent page on every authorization (default off: granted at once)',
  },
  {
    key: 'maxWorkspaces',
    flag: 'max-workspaces',
    env: 'COMMFLOW_MOCK_MAX_WORKSPACES',
    kind: 'int',
    arg: 'N',
    help: 'Most workspaces at once, the default one included (default 500)',
  },
  {
    key: 'maxRecords',
    flag: 'max-records',
    env: 'COMMFLOW_MOCK_MAX_RECORDS',
    kind: 'int',
    arg: 'N',
    help: 'Most records per collection per workspace (default 100000)',
  },
  { key: 'maxSnapshots', flag: 'max-snapshots', env: 'COMMFLOW_MOCK_MAX_SNAPSHOTS', kind: 'int', arg: 'N', help: 'Most named snapshots at once (default 50)' },
  {
    key: 'journalSize',
    flag: 'journal-size',
    env: 'COMMFLOW_MOCK_JOURNAL_SIZE',
    kind: 'int',
    arg: 'N',
    help: 'Most requests kept in the journal (default 10000; 32 MiB at most)',
  },
  {
    key: 'logLevel',
    flag: 'log-level',
    env: 'COMMFLOW_MOCK_LOG_LEVEL',
    kind: 'level',
    arg: 'LEVEL',
    help: 'silent, error, warn, info (one line per request) or debug (default info)',
  },
  {
    key: 'logFormat',
    flag: 'log-format',
    env: 'COMMFLOW_MOCK_LOG_FORMAT',
    kind: 'format',
    arg: 'FORMAT',
    help: 'pretty or json (default: pretty in a terminal, json otherwise)',
  },
];

function convert(flag: Flag, raw: string, source: string): unknown {
  const bad = (allowed: string) => new ConfigError(`Invalid ${source} '${raw}': ${allowed}.`);
  switch (flag.kind) {
    case 'port': {
      if (!/^\d+$/.test(raw) || Number(raw) > 65535) throw bad('expected a port number from 0 to 65535');
      return Number(raw);
    }
    case 'int': {
      if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) throw bad('expected a whole number, 0 or more');
      return Number(raw);
    }
    case 'plan':
      if (!Object.hasOwn(PLAN_LIMITS, raw)) {
        const plans = Object.keys(PLAN_LIMITS);
        throw bad(`expected ${plans.slice(0, -1).join(', ')} or ${plans.at(-1)}`);
      }
      return raw;
    case 'urls': {
      const urls = raw
        .split(',')
        .map((u) => u.trim())
        .filter(Boolean);
      for (const u of urls) if (!/^https?:\/\/[^\s/?#]+/.test(u)) throw new ConfigError(`Invalid ${source} '${u}': expected an http or https URL.`);
      return urls;
    }
    case 'durations': {
      const units: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
      return raw
        .split(',')
        .map((d) => d.trim())
        .filter(Boolean)
        .map((d) => {
          const m = /^(\d+)(ms|s|m|h)?$/.exec(d);
          if (!m) throw new ConfigError(`Invalid ${source} '${d}': expected durations like 500ms, 1s, 2m.`);
          return Number(m[1]) * units[m[2] ?? 'ms']!;
        });
    }
    case 'switch':
      if (!['true', 'false', '1', '0'].includes(raw)) throw bad('expected true or false');
      return raw === 'true' || raw === '1';
    case 'format':
      if (raw !== 'pretty' && raw !== 'json') throw bad('expected pretty or json');
      return raw;
    case 'level':
      if (!(LOG_LEVELS as readonly string[]).includes(raw)) throw bad(`expected one of ${LOG_LEVELS.join(', ')}`);
      return raw;
    default:
      if (raw === '') throw bad('expected a value');
      return raw;
  }
}

export type ParsedArgs = { kind: 'run'; config: Config } | { kind: 'help' } | { kind: 'version' } | { kind: 'scenarios' };

/** Commands besides serving (the default): `commflow-mock scenarios` prints the conformance catalogue. */
const COMMANDS = ['scenarios'] as const;

/**
 * `--seed -1` → `--seed=-1`. parseArgs takes a value that starts with a dash for an option
 * ("argument is ambiguous"); here, as with getopt, the word after a flag that takes a value is
 * that value, which is then validated like any other (so `--seed -1` says what --seed accepts).
 * A flag there instead (`--seed --port 0`), or nothing, is a missing value.
 */
function joinDashValues(argv: string[]): string[] {
  const takesValue = new Map(FLAGS.filter((f) => f.kind !== 'switch').map((f) => [`--${f.flag}`, f]));
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const flag = takesValue.get(arg);
    if (!flag) {
      out.push(arg);
      continue;
    }
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) throw new ConfigError(`Missing value for ${arg}: expected ${arg} ${flag.arg}.`);
    out.push(`${arg}=${next}`);
    i++;
  }
  return out;
}

/** Flags override environment variables, which override defaults. Pure: no process access. */
export function parseConfig(argv: string[], env: Record<string, string | undefined>): ParsedArgs {
  let values: Record<string, unknown>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: joinDashValues(argv),
      strict: true,
      allowPositionals: true,
      options: {
        ...Object.fromEntries(
          FLAGS.map((f) => [
            f.flag,
            {
              type: f.kind === 'switch' ? ('boolean' as const) : ('string' as const),
              multiple: f.kind === 'urls',
            },
          ]),
        ),
        ...Object.fromEntries(FLAGS.filter((f) => f.kind === 'switch').map((f) => [`no-${f.flag}`, { type: 'boolean' as const }])),
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    }));
  } catch (err) {
    throw new ConfigError((err as Error).message.split('\n')[0]);
  }
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  const [command, ...extra] = positionals;
  if (command !== undefined) {
    if (!(COMMANDS as readonly string[]).includes(command)) {
      throw new ConfigError(`Unknown command '${command}': commflow-mock takes options, or the command ${COMMANDS.join(', ')}.`);
    }
    if (extra.length) throw new ConfigError(`Unexpected argument '${extra[0]}' after '${command}'.`);
    return { kind: 'scenarios' };
  }
  const config: Config = { ...defaults };
  for (const flag of FLAGS) {
    const fromFlag = values[flag.flag];
    const fromEnv = env[flag.env];
    if (flag.kind === 'switch' && (fromFlag === true || values[`no-${flag.flag}`] === true)) {
      Object.assign(config, { [flag.key]: values[`no-${flag.flag}`] !== true });
    } else if (Array.isArray(fromFlag)) {
      Object.assign(config, { [flag.key]: fromFlag.flatMap((v) => convert(flag, String(v), `--${flag.flag}`) as string[]) });
    } else if (typeof fromFlag === 'string') Object.assign(config, { [flag.key]: convert(flag, fromFlag, `--${flag.flag}`) });
    else if (fromEnv !== undefined && (fromEnv !== '' || flag.kind === 'durations')) Object.assign(config, { [flag.key]: convert(flag, fromEnv, flag.env) });
  }
  return { kind: 'run', config };
}

export function helpText(version: string): string {
  const rows = FLAGS.map((f) => {
    const name = f.kind === 'switch' ? `[no-]${f.flag}` : `${f.flag} ${f.arg}`;
    return `  --${name.padEnd(24)}${f.help}\n  ${''.padEnd(26)}env ${f.env}`;
  });
  return [
    `commflow-mock ${version}: a local, stateful, spec-validated CommFlow API sandbox`,
    '',
    'Usage: commflow-mock [options]',
    '       commflow-mock scenarios     Print the SDK conformance scenarios (POST /_mock/scenarios arms one)',
    '',
    'Options:',
    ...rows,
    `  ${'-h, --help'.padEnd(26)}Show this help`,
    `  ${'-v, --version'.padEnd(26)}Show the version`,
    '',
    'Default API keys: sk_test_commflow and sk_live_commflow (all scopes).',
  ].join('\n');
}
