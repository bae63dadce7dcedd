import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The native addon is loaded once per worker; forks keep each test file isolated.
    pool: 'forks',
    testTimeout: 60_000,
  },
});
