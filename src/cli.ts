#!/usr/bin/env node
import { ConfigError, helpText, parseConfig } from './config.js';
import { isLoopbackHost } from './loopback.js';
import { startServer } from './server.js';
import { VERSION } from './version.js';

/** Why the socket could not be opened, in one line that says what to do; undefined for other failures. */
function listenFailure(err: unknown, host: string, port: number): string | undefined {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (code === 'EADDRINUSE') return `port ${port} is already in use (${where}); stop what holds it, or start with --port 0 to pick a free port.`;
  if (code === 'EACCES') return `not allowed to listen on ${where} (ports below 1024 need privileges); use --port 4010, or --port 0 to pick a free port.`;
  return undefined;
}

/** The only file that reads argv and env, prints the banner and exits the process. */
async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseConfig>;
  try {
    parsed = parseConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`commflow-mock: ${err.message} (see --help)\n`);
      process.exit(2);
    }
    throw err;
  }
  if (parsed.kind === 'help') {
    process.stdout.write(`${helpText(VERSION)}\n`);
    return;
  }
  if (parsed.kind === 'version') {
    process.stdout.write(`${VERSION}\n`);
    return;
  }
  if (parsed.kind === 'scenarios') {
    process.stdout.write(`${(await import('./conformance/catalogue.js')).catalogueText()}\n`);
    return;
  }
  const { config } = parsed;
  // A last line of defence: a promise rejected with nobody listening is logged, never fatal.
  // Every path is meant to handle its failures; the test suites fail on this line.
  process.on('unhandledRejection', (reason) => {
    process.stderr.write(`commflow-mock: unhandled rejection (a bug; the server keeps running): ${reason instanceof Error ? reason.stack : String(reason)}\n`);
  });
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(config);
  } catch (err) {
    const why = listenFailure(err, config.host, config.port);
    if (!why) throw err;
    process.stderr.write(`commflow-mock: ${why}\n`);
    process.exit(1);
  }
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`commflow-mock: error while stopping on ${signal}: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  if (!isLoopbackHost(config.host) && !config.adminToken) {
    process.stderr.write(
      `\n  WARNING: listening on ${config.host} without --admin-token: anyone who can reach this port can\n` +
        '  read every key, request and record through /_mock and reset or rewrite the sandbox.\n' +
        '  Start with --admin-token TOKEN (or COMMFLOW_MOCK_ADMIN_TOKEN) when others share the network.\n\n',
    );
  }
  if (config.logLevel !== 'silent') {
    process.stdout.write(
      `commflow-mock ${VERSION} listening on ${server.url}\n` +
        `  API base URL:  ${server.url}/v1\n` +
        `  Test API key:  ${server.apiKey}\n` +
        `  Live API key:  ${server.liveApiKey}\n` +
        `  Playground:    ${server.url}/docs\n` +
        `  Inspector:     ${server.url}/_mock/ui (requests, webhooks, state, clock and faults, live)\n` +
        `  OpenAPI spec:  ${server.url}/openapi.yaml\n` +
        `  Control plane: ${server.url}/_mock (health, reset, state, requests, faults, clock)\n` +
        server.webhooks.map((w) => `  Webhook:       ${w.url} (${w.id}, secret ${w.secret})\n`).join('') +
        'Press Ctrl+C to stop.\n',
    );
  } else {
    process.stdout.write(`${server.url}\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`commflow-mock: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
