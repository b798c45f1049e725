export { createApp } from './app.js';
export { buildDeps, startServer, startServer as createMockServer } from './server.js';
export type { MockServer, BuildOptions } from './server.js';
export type { Config } from './config.js';
export type { Clock } from './clock.js';
export type { ErrorBody, ErrorType } from './errors.js';
export { DEFAULT_KEYS } from './store/store.js';
