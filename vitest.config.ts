import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The native addon is loaded once per worker; forks keep each test file isolated.
    pool: 'forks',
    testTimeout: 60_000,
    // Outputs that kernels overwrite start as NaN bytes, so an unwritten element fails a test.
    env: { TENSORGRAD_POISON_OUTPUTS: '1' },
  },
});
