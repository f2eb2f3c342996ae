/**
 * The whole product on one machine with no zChat account: the zChat emulator with its agent
 * console, the demo website, and the proxy between them. Used by `npm start` (demo/main.ts) and
 * by the end-to-end tests, so both run the very same wiring.
 */
import { fileURLToPath } from 'node:url'
import { type Running, startProxy } from '../server.ts'
import { type Emulator, startEmulator } from '../zchat/emulator/server.ts'
import type { DemoConfig } from './config.ts'
import { type DemoSite, startDemoSite } from './site.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))
export const widgetDir = `${root}dist/widget/`

export type Demo = {
  proxy: Running
  /** Where the browser reaches the proxy (the snippet's origin). */
  proxyUrl: string
  emulator: Emulator
  site: DemoSite
  close(): Promise<void>
}

export async function startDemo(
  config: DemoConfig,
  options: { logger?: boolean } = {},
): Promise<Demo> {
  const host = config.proxy.host
  const emulator = await startEmulator({
    token: config.proxy.zchatToken,
    port: config.emulatorPort,
    host,
  })
  let proxyUrl = config.proxy.publicUrl
  // The demo website starts first: its origin is the one the proxy lets embed the widget.
  const site = await startDemoSite({
    htmlPath: `${root}index.html`,
    proxyUrl: () => proxyUrl,
    port: config.demoPort,
    host,
  })
  const proxy = await startProxy(
    {
      ...config.proxy,
      zchatApiUrl: emulator.apiUrl,
      allowedOrigins: [site.url, site.url.replace('localhost', '127.0.0.1')],
    },
    { widgetDir, publicUrlFromAddress: true, ...options },
  )
  proxyUrl = `http://localhost:${new URL(proxy.url).port}`
  emulator.setWebhookUrl(`${proxy.url}/webhooks/zchat/${config.proxy.webhookSecret}`)
  return {
    proxy,
    proxyUrl,
    emulator,
    site,
    async close() {
      await site.close()
      await proxy.close()
      await emulator.close()
    },
  }
}
