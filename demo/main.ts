/**
 * `npm start`: the demo. Builds the widget when its sources changed since the last build, starts
 * the emulator, the demo website and the proxy, and prints where to go.
 */
import { ConfigError } from '../proxy/env.ts'
import { buildWidgetIfStale } from './build.ts'
import { loadDemoConfig } from './config.ts'
import { strictCspPath } from './site.ts'
import { startDemo } from './start.ts'

try {
  const config = loadDemoConfig()
  await buildWidgetIfStale()
  const demo = await startDemo(config)
  const bar = '='.repeat(72)
  console.log(
    `\n${bar}\n  DEMO: zChat is the built-in EMULATOR; nothing reaches Zenvia.\n  For a real account, build and run the production proxy (docs/operations.md).\n${bar}\n`,
  )
  if (config.warning) console.warn(`${config.warning}\n`)
  console.log(`  Demo website:   ${demo.site.url}/`)
  console.log(`  Strict CSP:     ${demo.site.url}${strictCspPath}`)
  console.log(`  Agent console:  ${demo.emulator.consoleUrl.replace('127.0.0.1', 'localhost')}`)
  if (demo.leftMessagesUrl) console.log(`  Left messages:  ${demo.leftMessagesUrl}`)
  console.log(`  Proxy:          ${demo.proxyUrl}\n`)
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      demo.close().then(
        () => process.exit(0),
        () => process.exit(1),
      )
    })
  }
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message)
    process.exit(1)
  }
  throw error
}
