import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';

describe('the logger', () => {
  it('writes one pretty line per request, coloured on request', () => {
    const lines: string[] = [];
    createLogger('info', (l) => lines.push(l), 'pretty', false).request({ method: 'GET', path: '/v1/me', status: 200, ms: 1.234, workspace: 'ws_456' });
    createLogger('info', (l) => lines.push(l), 'pretty', true).request({ method: 'POST', path: '/v1/tickets', status: 422, ms: 2, workspace: null });
    expect(lines[0]).toBe('GET    /v1/me 200 1.2 ms ws_456\n');
    expect(lines[1]).toContain('\x1b[33m422\x1b[0m');
  });

  it('adds the error code and param of an error answer to the pretty line', () => {
    const lines: string[] = [];
    const log = createLogger('info', (l) => lines.push(l), 'pretty', false);
    log.request({ method: 'GET', path: '/v1/tickets', status: 400, ms: 0.5, workspace: 'ws_456', error: { code: 'unknown_parameter', param: 'stauts' } });
    log.request({ method: 'GET', path: '/v1/ticket', status: 404, ms: 0.5, workspace: null, error: { code: 'route_not_found', param: null } });
    expect(lines).toEqual(['GET    /v1/tickets 400 0.5 ms ws_456 unknown_parameter param=stauts\n', 'GET    /v1/ticket 404 0.5 ms route_not_found\n']);
  });

  it('adds them to the JSON line as `error`', () => {
    const lines: string[] = [];
    createLogger('info', (l) => lines.push(l), 'json').request({
      method: 'POST',
      path: '/v1/tickets',
      status: 422,
      ms: 1,
      workspace: 'ws_456',
      error: { code: 'invalid_parameter', param: 'priority' },
    });
    expect(JSON.parse(lines[0]!)).toMatchObject({ status: 422, error: { code: 'invalid_parameter', param: 'priority' } });
  });

  it('writes JSON lines for machines', () => {
    const lines: string[] = [];
    const log = createLogger('info', (l) => lines.push(l), 'json');
    log.request({ method: 'GET', path: '/v1/me', status: 200, ms: 1.26, workspace: 'ws_456' });
    log.error('boom', new Error('bad'));
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'info', msg: 'request', method: 'GET', path: '/v1/me', status: 200, ms: 1.3, workspace: 'ws_456' });
    expect(JSON.parse(lines[1]!)).toMatchObject({ level: 'error', msg: 'boom', error: expect.stringContaining('bad') });
  });

  it('is quiet below its level', () => {
    const lines: string[] = [];
    const log = createLogger('warn', (l) => lines.push(l));
    log.request({ method: 'GET', path: '/', status: 200, ms: 1, workspace: null });
    log.info('x');
    log.warn('y');
    expect(lines).toHaveLength(1);
    const silent = createLogger('silent', (l) => lines.push(l));
    silent.error('z');
    expect(lines).toHaveLength(1);
  });
});
