import { defineConfig } from 'vitest/config';

// The fault suite (issue 15): the real controller as a child process against the ARI double, PostgreSQL and Redis,
// each behind a TCP proxy the cases cut and restore. Files run one after another: each spawns its own controller.
export default defineConfig({
  test: {
    include: ['tests/faults/**/*.fault.test.ts'],
    testTimeout: 90_000,
    hookTimeout: 90_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
