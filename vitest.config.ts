import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Most of the suite's time is spent waiting on sockets and child processes, not on the CPU:
    // one more worker than cores (vitest's default is one fewer, a single worker on a 2-core box).
    maxWorkers: availableParallelism() + 1,
  },
});
