import { defineConfig } from 'vitest/config';

// The live suite: the same scenarios against a real Asterisk (ARI_URL set), with real SIP phones.
export default defineConfig({
  test: {
    include: ['tests/live/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
