/**
 * Starts everything `npm start` and `npm run proxy` need from a parsed config: the proxy, and in
 * emulator mode the zChat emulator with its agent console and the demo website. Used by main.ts
 * and by the end-to-end tests, so both run the very same wiring.
 */
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import { buildApp } from './app.ts'
import { type DemoHost, startDemoHost } from './demo-host.ts'
import type { Config } from './env.ts'
import { createMemoryLog } from './events/memory.ts'
import { createVisitors } from './visitors.ts'
import { createZChatClient } from './zchat/client.ts'
import { type Emulator, startEmulator } from './zchat/emulator/server.ts'

const root = fileURLToPath(new URL('..', import.meta.url))

export type Running = {
  app: FastifyInstance
  proxyUrl: string
  emulator: Emulator | null
  demo: DemoHost | null
  close(): Promise<void>
}

export type ServerOptions = { heartbeatMs?: number; logger?: boolean }

export async function startServer(config: Config, options: ServerOptions = {}): Promise<Running> {
  const emulated = config.mode === 'emulator'
  let proxyUrl = config.publicUrl
  const emulator = emulated
    ? await startEmulator({
        token: config.zchatToken,
        port: config.emulatorPort,
        host: config.host,
      })
    : null
  // The demo website starts first: its origin is the one the proxy lets embed the widget.
  const demo = emulated
    ? await startDemoHost({
        htmlPath: `${root}index.html`,
        proxyUrl: () => proxyUrl,
        port: config.demoPort,
        host: config.host,
      })
    : null
  const demoOrigins = demo ? [demo.url, demo.url.replace('localhost', '127.0.0.1')] : []
  const log = createMemoryLog()
  const app = await buildApp({
    zchat: createZChatClient({
      apiUrl: emulator?.apiUrl ?? config.zchatApiUrl,
      token: config.zchatToken,
      timeoutMs: config.zchatTimeoutMs,
    }),
    log,
    visitors: createVisitors(config.sessionSecret, config.sessionTtlMs),
    webhookSecret: config.webhookSecret,
    ticketSecret: `${config.sessionSecret}:history`,
    publicUrl: () => proxyUrl,
    allowedOrigins: config.allowedOrigins ?? demoOrigins,
    allowedDepartments: config.allowedDepartments,
    widgetDir: `${root}dist/widget`,
    logger: options.logger === false ? false : { level: config.logLevel },
    trustProxy: config.trustProxy,
    ...(options.heartbeatMs !== undefined && { heartbeatMs: options.heartbeatMs }),
  })
  await app.listen({ port: config.port, host: config.host })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  // In emulator mode the proxy's port is only known now (PORT=0 picks a free one).
  if (emulated) proxyUrl = `http://localhost:${port}`
  emulator?.setWebhookUrl(`http://127.0.0.1:${port}/webhooks/zchat/${config.webhookSecret}`)
  return {
    app,
    proxyUrl,
    emulator,
    demo,
    async close() {
      await demo?.close()
      await app.close()
      await log.close()
      await emulator?.close()
    },
  }
}
