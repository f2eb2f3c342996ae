/** Entry point of `npm start` and `npm run proxy`: read the environment once, start, report. */
import { ConfigError, loadConfig } from './env.ts'
import { startServer } from './server.ts'

try {
  const config = loadConfig()
  const running = await startServer(config)
  const { emulator, demo, proxyUrl } = running
  if (emulator && demo) {
    const bar = '='.repeat(72)
    console.log(
      `\n${bar}\n  DEMO MODE: ZCHAT_TOKEN is not set, so zChat is the built-in EMULATOR.\n  Nothing reaches Zenvia. Set ZCHAT_TOKEN (see README) to use a real account.\n${bar}\n`,
    )
    console.log(`  Demo website:   ${demo.url}/`)
    console.log(`  Agent console:  ${emulator.consoleUrl.replace('127.0.0.1', 'localhost')}`)
    console.log(`  Proxy:          ${proxyUrl}\n`)
  } else {
    console.log(`zChat proxy listening; widget at ${proxyUrl}/widget.js`)
    console.log(`Webhook URL to set in zChat: ${proxyUrl}/webhooks/zchat/<ZCHAT_WEBHOOK_SECRET>`)
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      running.close().then(
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
