/**
 * Test helpers shared by the proxy's suites: a proxy wired to a real emulator over real HTTP, and
 * an SSE reader. No mocks: zChat is the emulator, webhooks travel over loopback.
 */
import type { FastifyInstance } from 'fastify'
import { buildApp } from './app.ts'
import { defaultLimits, type Limits } from './env.ts'
import { createMemoryLog } from './events/memory.ts'
import { createSseParser } from './protocol/sse.ts'
import type { LoggedEvent } from './protocol/wire.ts'
import { createStreams } from './streams.ts'
import { createVisitors } from './visitors.ts'
import { createZChatClient } from './zchat/client.ts'
import { type Emulator, startEmulator } from './zchat/emulator/server.ts'

export const testToken = 'test-zchat-token'
export const webhookSecret = 'test-webhook-secret-0123456789'
export const siteOrigin = 'http://site.example'

export type Harness = {
  app: FastifyInstance
  url: string
  emulator: Emulator
  /** Replaces the app with a new one on the same port, with an empty log and the same secrets. */
  restart(): Promise<void>
  close(): Promise<void>
}

export async function startHarness(
  options: { widgetDir?: string; limits?: Partial<Limits> } = {},
): Promise<Harness> {
  const limits: Limits = {
    ...defaultLimits,
    zchatTimeoutMs: 2000,
    rateLimitPerMinute: 10_000,
    startsPerMinute: 10_000,
    ...options.limits,
  }
  const emulator = await startEmulator({ token: testToken })
  let url = ''
  // A new app with a new, empty log each time: what a restart of the proxy process looks like.
  const build = () =>
    buildApp({
      zchat: createZChatClient({
        apiUrl: emulator.apiUrl,
        token: testToken,
        timeoutMs: limits.zchatTimeoutMs,
      }),
      log: createMemoryLog({
        maxConversations: limits.maxConversations,
        maxEventsPerConversation: limits.maxEventsPerConversation,
      }),
      streams: createStreams(limits),
      visitors: createVisitors('test-session-secret-0123456789abcdef', 60 * 60 * 1000),
      webhookSecret,
      ticketSecret: 'test-ticket-secret-0123456789abcdef',
      publicUrl: () => url,
      allowedOrigins: [siteOrigin],
      allowedDepartments: null,
      widgetDir: options.widgetDir ?? '/nonexistent',
      limits,
    })
  const app = await build()
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  url = `http://127.0.0.1:${port}`
  emulator.setWebhookUrl(`${url}/webhooks/zchat/${webhookSecret}`)
  const harness: Harness = {
    app,
    url,
    emulator,
    async restart() {
      await harness.app.close()
      // Let this process's fetch pool notice the sockets the old server closed; otherwise the next
      // call may go out on one of them and fail (a browser would just retry, as the widget does).
      await new Promise((resolve) => setTimeout(resolve, 100))
      harness.app = await build()
      await harness.app.listen({ port, host: '127.0.0.1' })
    },
    async close() {
      await harness.app.close()
      await emulator.close()
    },
  }
  return harness
}

/** Calls the emulator's control API as the agent console would. */
export async function agent(emulator: Emulator, hash: string, action: string, body: object = {}) {
  const response = await fetch(
    `${emulator.url}/control/interactions/${encodeURIComponent(hash)}/${action}`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    },
  )
  if (!response.ok)
    throw new Error(`agent ${action} failed: ${response.status} ${await response.text()}`)
  return response.json()
}

export type InteractionView = {
  hash: string
  state: string
  mood: string | null
  note: string | null
  customer: Record<string, unknown> | null
  extra: Record<string, unknown> | null
  messages: Array<{ direction: string; content: string; type: string | null; url: string | null }>
}

export async function interaction(emulator: Emulator, hash: string): Promise<InteractionView> {
  const response = await fetch(`${emulator.url}/control/interactions/${encodeURIComponent(hash)}`)
  return (await response.json()) as InteractionView
}

/** Opens an event stream and collects events until `until` holds, or fails after `timeoutMs`. */
export async function readEvents(
  url: string,
  headers: Record<string, string>,
  until: (events: LoggedEvent[], comments: string[]) => boolean,
  timeoutMs = 5000,
): Promise<{ events: LoggedEvent[]; comments: string[]; status: number }> {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), timeoutMs)
  const events: LoggedEvent[] = []
  const comments: string[] = []
  try {
    const response = await fetch(url, { headers, signal: controller.signal })
    if (!response.ok || !response.body) return { events, comments, status: response.status }
    // The widget's own parser (protocol/sse.ts): the tests read the stream as the widget does.
    const parser = createSseParser(
      (message) => events.push(JSON.parse(message.data) as LoggedEvent),
      { onComment: (comment) => comments.push(comment.trim()) },
    )
    const decoder = new TextDecoder()
    for await (const chunk of response.body) {
      parser.push(decoder.decode(chunk as Uint8Array, { stream: true }))
      if (until(events, comments)) break
    }
    return { events, comments, status: response.status }
  } catch (error) {
    if (controller.signal.aborted)
      throw new Error(`timed out waiting for events; got ${JSON.stringify(events)}`)
    throw error
  } finally {
    clearTimeout(timer)
    controller.abort()
  }
}
