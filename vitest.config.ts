import { defineConfig } from 'vitest/config'

export default defineConfig({
  // The components' tests render JSX with Preact, as the widget's build does (vite.config.ts).
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    include: ['widget/**/*.test.{ts,tsx}', 'proxy/**/*.test.ts', 'scripts/**/*.test.ts'],
    testTimeout: 15_000,
  },
})
