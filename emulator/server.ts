/**
 * A zChat ClientApi V1 emulator written from the seed (docs/zchat/seed/clientapi-v1.md), with an
 * agent console: the API under `/core/api/v1`, triggers POSTed to a webhook URL, a control API
 * under `/control` and the console at `/console`. Where the seed is silent it makes a choice, named
 * in emulator/README.md, and a fault gives the other answer.
 */
import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import Fastify, { type FastifyBaseLogger } from 'fastify'
import { registerApi } from './api.ts'
import { consolePage, consoleSecurityPolicy } from './console-page.ts'
import { registerControl } from './control.ts'
import { installErrorHandlers } from './errors.ts'
import { createFaults } from './faults.ts'
import { createInteractions } from './interactions.ts'
import { registerStream } from './stream.ts'
import { createWebhooks } from './webhooks.ts'

export type EmulatorOptions = {
  /** The only accepted API token. */
  token: string
  /** Where triggers are POSTed; may be set later with `setWebhookUrl`. */
  webhookUrl?: string
  /** Default 0: a free port. */
  port?: number
  /** Default '127.0.0.1'. */
  host?: string
  /** Active department ids, default `defaultDepartments`. */
  departments?: number[]
  /** Default false. */
  logger?: false | FastifyBaseLogger
  /** How long zChat waits for the `external_history` URL. Default 5000. */
  historyTimeoutMs?: number
  /** How long a webhook POST may take. Default 5000. */
  webhookTimeoutMs?: number
}

/** The departments an emulator has unless told otherwise (the demo lets visitors use them all). */
export const defaultDepartments: readonly number[] = [1, 2, 3]

export type Emulator = {
  /** Origin, e.g. http://127.0.0.1:41234 */
  url: string
  /** `${url}/core/api/v1`: what the proxy uses as ZCHAT_API_URL. */
  apiUrl: string
  /** `${url}/console` */
  consoleUrl: string
  setWebhookUrl(url: string): void
  close(): Promise<void>
}

// Seed silent: no limit is documented. 1 MB is far above any chat message and keeps abuse cheap.
const bodyLimit = 1_048_576

export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  let webhookUrl = options.webhookUrl
  const app = Fastify({
    bodyLimit,
    // close() must be prompt even with a stream open or a call held by an injected latency.
    forceCloseConnections: true,
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
  })
  installErrorHandlers(app)
  // Every body the seed shows is JSON. Seed silent on other content types: a text/plain body gets
  // 415 rather than a confusing 401.
  app.removeContentTypeParser('text/plain')

  const faults = createFaults()
  const webhooks = createWebhooks({
    webhookUrl: () => webhookUrl,
    faults: faults.get,
    timeoutMs: options.webhookTimeoutMs ?? 5000,
  })
  const interactions = createInteractions({ send: webhooks.send, faults: faults.get })

  registerApi(app, {
    token: options.token,
    departments: new Set(options.departments ?? defaultDepartments),
    interactions,
    faults,
    webhooks,
    historyTimeoutMs: options.historyTimeoutMs ?? 5000,
  })
  registerStream(app, interactions)
  registerControl(app, {
    interactions,
    faults,
    webhooks,
    historyTimeoutMs: options.historyTimeoutMs ?? 5000,
  })
  app.get('/console', async (_request, reply) => {
    const nonce = randomBytes(16).toString('base64')
    return reply
      .header('content-security-policy', consoleSecurityPolicy(nonce))
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(consolePage(nonce))
  })
  app.get('/', async (_request, reply) => reply.redirect('/console'))
  // Browsers ask for it; a 404 would be the only error in the console's devtools.
  app.get('/favicon.ico', async (_request, reply) => reply.code(204).send())

  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' })
  const { address, port } = app.server.address() as AddressInfo
  const host = address.includes(':') ? `[${address}]` : address
  const url = `http://${host}:${port}`

  return {
    url,
    apiUrl: `${url}/core/api/v1`,
    consoleUrl: `${url}/console`,
    setWebhookUrl(next) {
      webhookUrl = next
    },
    async close() {
      await webhooks.close()
      await app.close()
    },
  }
}
