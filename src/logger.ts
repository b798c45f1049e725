export const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFormat = 'pretty' | 'json';

export interface RequestLine {
  method: string;
  path: string;
  status: number;
  ms: number;
  workspace: string | null;
  /** Why an error status was answered: the error code and the parameter it names (as in the body). */
  error?: { code: string; param: string | null };
}

export interface Logger {
  error(message: string, extra?: unknown): void;
  warn(message: string, extra?: unknown): void;
  info(message: string, extra?: unknown): void;
  debug(message: string, extra?: unknown): void;
  /** One line per request, at info level. */
  request(line: RequestLine): void;
}

const COLORS: Record<string, string> = { 2: '\x1b[32m', 3: '\x1b[36m', 4: '\x1b[33m', 5: '\x1b[31m' };

/**
 * A levelled logger: pretty (coloured when `color`) for people, JSON lines for machines.
 * Writes to stderr by default; stdout stays for the banner.
 */
export function createLogger(
  level: LogLevel,
  write: (line: string) => void = (l) => process.stderr.write(l),
  format: LogFormat = 'pretty',
  color = false,
): Logger {
  const threshold = LOG_LEVELS.indexOf(level);
  const enabled = (name: LogLevel) => LOG_LEVELS.indexOf(name) <= threshold;
  const at = (name: Exclude<LogLevel, 'silent'>) => (message: string, extra?: unknown) => {
    if (!enabled(name)) return;
    if (format === 'json') {
      const detail = extra instanceof Error ? { error: extra.stack ?? extra.message } : extra === undefined ? {} : { extra };
      write(`${JSON.stringify({ time: new Date().toISOString(), level: name, msg: message, ...detail })}\n`);
      return;
    }
    const detail = extra instanceof Error ? `\n${extra.stack ?? extra.message}` : extra === undefined ? '' : ` ${JSON.stringify(extra)}`;
    write(`[commflow-mock] ${name}: ${message}${detail}\n`);
  };
  return {
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    request(r) {
      if (!enabled('info')) return;
      if (format === 'json') {
        write(`${JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'request', ...r, ms: Math.round(r.ms * 10) / 10 })}\n`);
        return;
      }
      const status = color ? `${COLORS[String(r.status)[0]!] ?? ''}${r.status}\x1b[0m` : String(r.status);
      const why = r.error ? ` ${r.error.code}${r.error.param === null ? '' : ` param=${r.error.param}`}` : '';
      write(`${r.method.padEnd(6)} ${r.path} ${status} ${r.ms.toFixed(1)} ms${r.workspace ? ` ${r.workspace}` : ''}${why}\n`);
    },
  };
}
