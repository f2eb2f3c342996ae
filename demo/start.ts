/**
 * The whole product on one machine with no zChat account: the zChat emulator with its agent
 * console, the demo website, and the proxy between them. Used by `npm start` (demo/main.ts) and
 * by the end-to-end tests, so both run the very same wiring.
 */
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { type Emulator, startEmulator } from '../emulator/server.ts'
import { type Running, startProxy } from '../proxy/server.ts'
import type { DemoConfig } from './config.ts'
import { createLeftMessagesInbox, leftMessagesPath } from './left-messages.ts'
import { type DemoSite, startDemoSite } from './site.ts'

const root = fileURLToPath(new URL('../', import.meta.url))
export const widgetDir = `${root}dist/widget/`

/** How this process reaches a server listening on `host`. */
function reachable(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1'
  if (host === '::') return '[::1]'
  return host.includes(':') ? `[${host}]` : host
}

export type Demo = {
  proxy: Running
  /** Where the browser reaches the proxy (the snippet's origin). */
  proxyUrl: string
  emulator: Emulator
  site: DemoSite
  /** The demo website's page of left messages; null when LEAVE_MESSAGE_URL sends them elsewhere. */
  leftMessagesUrl: string | null
  close(): Promise<void>
}

export async function startDemo(
  config: DemoConfig,
  /** `widgetDir`: another build of the widget to serve (the bench's baseline); dist/widget/ by default. */
  options: { logger?: boolean; widgetDir?: string } = {},
): Promise<Demo> {
  const host = config.proxy.host
  const emulator = await startEmulator({
    token: config.proxy.zchatToken,
    port: config.emulatorPort,
    host,
  })
  let proxyUrl = config.proxy.publicUrl
  // Left messages go to the demo website's inbox, as they would to a real site's, unless
  // LEAVE_MESSAGE_URL says otherwise.
  const ownInbox = config.proxy.leaveMessage === null
  const inbox = createLeftMessagesInbox(
    config.proxy.leaveMessage?.secret ?? randomBytes(32).toString('base64url'),
  )
  // The demo website starts first: its origin is the one the proxy lets embed the widget.
  const site = await startDemoSite({
    htmlPath: `${root}index.html`,
    proxyUrl: () => proxyUrl,
    port: config.demoPort,
    host,
    ...(ownInbox && { inbox }),
  })
  const leftMessagesUrl = ownInbox ? `${site.url}${leftMessagesPath}` : null
  const proxy = await startProxy(
    {
      ...config.proxy,
      zchatApiUrl: emulator.apiUrl,
      allowedOrigins: [site.url, site.url.replace('localhost', '127.0.0.1')],
      leaveMessage: config.proxy.leaveMessage ?? {
        url: `http://${reachable(host)}:${new URL(site.url).port}${leftMessagesPath}`,
        secret: inbox.secret,
      },
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
    leftMessagesUrl,
    async close() {
      await site.close()
      await proxy.close()
      await emulator.close()
    },
  }
}
