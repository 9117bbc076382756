import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Storage suites open real databases; forks keep native DuckDB handles isolated per file.
    pool: 'forks',
  },
})
