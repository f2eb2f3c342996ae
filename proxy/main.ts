/**
 * The production entry (`npm run proxy`, built to dist/proxy/main.js): read the environment once,
 * start the proxy, drain on SIGTERM / SIGINT. Only the product: the emulator and the demo website
 * start from demo/main.ts, never from here.
 */
import { fileURLToPath } from 'node:url'
import { ConfigError, loadConfig } from './env.ts'
import { startProxy } from './server.ts'

try {
  const config = loadConfig()
  // Built, this file is dist/proxy/main.js and the widget is dist/widget/.
  const widgetDir = fileURLToPath(new URL('../widget/', import.meta.url))
  const running = await startProxy(config, { widgetDir })
  running.app.log.info(
    { url: running.url, publicUrl: config.publicUrl, metricsUrl: running.metricsUrl },
    'zChat proxy listening; set the zChat webhook URL to {PUBLIC_URL}/webhooks/zchat/{ZCHAT_WEBHOOK_SECRET}',
  )
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      running.drain().then(
        () => process.exit(0),
        (error: unknown) => {
          running.app.log.error({ err: error }, 'drain failed')
          process.exit(1)
        },
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
