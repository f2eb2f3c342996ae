import { defineConfig } from 'vitest/config'

export default defineConfig({
  // The components' tests render JSX with Preact, as the widget's build does (vite.config.ts).
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    include: ['{widget,protocol,proxy,emulator,demo,scripts}/**/*.test.{ts,tsx}'],
    testTimeout: 15_000,
    // The chat's sentences are loaded (English too, i18n/text.ts): the tests start in English.
    setupFiles: ['widget/testing/english.ts'],
  },
})
