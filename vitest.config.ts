import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['widget/**/*.test.{ts,tsx}', 'proxy/**/*.test.ts', 'scripts/**/*.test.ts'],
    testTimeout: 15_000,
  },
})
