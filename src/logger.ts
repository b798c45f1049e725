export const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Logger {
  error(message: string, extra?: unknown): void;
  warn(message: string, extra?: unknown): void;
  info(message: string, extra?: unknown): void;
  debug(message: string, extra?: unknown): void;
}

/** A levelled logger writing to a stream (stderr by default). */
export function createLogger(level: LogLevel, write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const threshold = LOG_LEVELS.indexOf(level);
  const at = (name: Exclude<LogLevel, 'silent'>) => (message: string, extra?: unknown) => {
    if (LOG_LEVELS.indexOf(name) > threshold) return;
    const detail = extra instanceof Error ? `\n${extra.stack ?? extra.message}` : extra === undefined ? '' : ` ${JSON.stringify(extra)}`;
    write(`[commflow-mock] ${name}: ${message}${detail}\n`);
  };
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}
