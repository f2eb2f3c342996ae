/**
 * SIGTERM drains: the production entry, as a real process, stops taking work, answers the visitor
 * call in flight (zChat receives it once), tells every event stream to reconnect, and exits.
 */
import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Emulator, startEmulator } from '../emulator/server.ts'
import { routes } from '../protocol/wire.ts'
import { startProxy } from './server.ts'
import { interaction, type ProxyProcess, startProxyProcess, testConfig } from './testing/harness.ts'

const token = 'drain-test-zchat-token'
const secret = 'drain-test-webhook-secret'
const origin = 'http://site.example'

/** A zChat in front of the emulator that holds message calls until the test lets them through. */
async function startGate(target: string) {
  let arrived: () => void = () => {}
  let release: () => void = () => {}
  const messageArrived = new Promise<void>((resolve) => {
    arrived = resolve
  })
  const released = new Promise<void>((resolve) => {
    release = resolve
  })
  const read = async (request: IncomingMessage) => {
    let body = ''
    for await (const chunk of request) body += String(chunk)
    return body
  }
  const server: Server = createServer(async (request, response) => {
    const body = await read(request)
    if (request.url?.endsWith('/messages')) {
      arrived()
      await released
    }
    const upstream = await fetch(`${target}${request.url}`, {
      method: request.method ?? 'GET',
      headers: { 'content-type': 'application/json' },
      ...(body && { body }),
    })
    response
      .writeHead(upstream.status, { 'content-type': 'application/json' })
      .end(await upstream.text())
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    messageArrived,
    release,
    close: () => {
      server.closeAllConnections()
      server.close()
    },
  }
}

describe('SIGTERM', () => {
  let emulator: Emulator
  let gate: Awaited<ReturnType<typeof startGate>>
  let proxy: ProxyProcess

  beforeAll(async () => {
    emulator = await startEmulator({ token })
    gate = await startGate(emulator.url)
    proxy = await startProxyProcess({
      ZCHAT_TOKEN: token,
      ZCHAT_API_URL: `${gate.url}/core/api/v1`,
      ZCHAT_WEBHOOK_SECRET: secret,
      SESSION_SECRET: 's'.repeat(40),
      PUBLIC_URL: 'http://chat.example',
      ALLOWED_ORIGINS: origin,
      ALLOWED_DEPARTMENTS: '1',
      PORT: '0',
      SHUTDOWN_TIMEOUT_MS: '8000',
    })
    emulator.setWebhookUrl(`${proxy.url}/webhooks/zchat/${secret}`)
    // The proxy starts as its own process through tsx: on a busy machine more than the default 10 s.
  }, 30_000)
  afterAll(async () => {
    proxy?.child.kill('SIGKILL')
    gate?.close()
    await emulator?.close()
  })

  it('answers the call in flight, zChat gets it once, streams are told to reconnect, the process exits', async () => {
    const started = await fetch(`${proxy.url}${routes.start}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify({ department: 1 }),
    })
    expect(started.status).toBe(201)
    const { conversationId, credential } = (await started.json()) as {
      conversationId: string
      credential: string
    }
    const headers = { authorization: `Bearer ${credential}`, origin }
    const stream = await fetch(`${proxy.url}${routes.events(conversationId)}`, { headers })
    expect(stream.status).toBe(200)
    const streamText = stream.text()

    const sent = fetch(`${proxy.url}${routes.messages(conversationId)}`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: 'drain-message-1', text: 'sent as the deploy began' }),
    })
    await gate.messageArrived
    const exited = once(proxy.child, 'exit')
    proxy.child.kill('SIGTERM')

    // The stream is told when to come back, then closed: the widget resumes elsewhere.
    const text = await streamText
    expect(text).toMatch(/^retry: \d+$/m)
    const retryMs = Number(/^retry: (\d+)$/m.exec(text)![1])
    expect(retryMs).toBeGreaterThanOrEqual(500)
    expect(retryMs).toBeLessThanOrEqual(5000)
    // Nothing new is taken while draining.
    await expect(
      fetch(`${proxy.url}${routes.start}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin },
        body: JSON.stringify({ department: 1 }),
      }),
    ).rejects.toThrow()

    // zChat answers the held call now; the visitor still gets the answer.
    gate.release()
    const answer = await sent
    expect(answer.status).toBe(202)
    const [code] = await exited
    expect(code, proxy.output()).toBe(0)
    // It finished on its own, not because SHUTDOWN_TIMEOUT_MS ran out.
    expect(proxy.output()).not.toMatch(/drain timed out/)
    const view = await interaction(emulator, conversationId)
    expect(view.messages.filter((m) => m.direction === 'CLIENT')).toEqual([
      expect.objectContaining({ content: 'sent as the deploy began' }),
    ])
  })
})

describe('/readyz', () => {
  it('answers 503 as soon as the drain starts', async () => {
    const emulator = await startEmulator({ token })
    const running = await startProxy(
      testConfig({
        zchatApiUrl: emulator.apiUrl,
        zchatToken: token,
        webhookSecret: secret,
        allowedOrigins: [origin],
      }),
      { widgetDir: '/nonexistent', logger: false },
    )
    try {
      expect((await running.app.inject('/readyz')).json()).toEqual({
        ready: true,
        store: true,
        draining: false,
      })
      const drained = running.drain()
      const during = await running.app.inject('/readyz')
      expect(during.statusCode).toBe(503)
      expect(during.json()).toMatchObject({ ready: false, draining: true })
      await drained
    } finally {
      await running.close()
      await emulator.close()
    }
  })
})
