/**
 * Two proxy instances on one Redis behind a small round-robin load balancer: the visitor's event
 * stream is on instance B while zChat's webhooks reach instance A. B is killed with SIGKILL
 * mid-conversation; the widget reconnects through the balancer (to A) and shows every agent
 * message exactly once, in order. Then Redis restarts and the conversation goes on. And a chat
 * rated in one tab cannot be rated again from another, even after every instance restarted.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, request as httpRequest, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test as base, expect, type Page } from '@playwright/test'
import { startDemoSite } from '../demo/site.ts'
import { widgetDir } from '../demo/start.ts'
import { type Emulator, startEmulator } from '../emulator/server.ts'
import { defaultLimits } from '../proxy/env.ts'
import { type Running, startProxy } from '../proxy/server.ts'
import { type ProxyProcess, startProxyProcessAlong, testConfig } from '../proxy/testing/harness.ts'
import { startTestRedis, type TestRedis } from '../proxy/testing/redis-server.ts'
import { interactionWith, reply, send, shopUrl, startChat, usePageAt } from './fixtures.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
const token = 'e2e-zchat-token'
const webhookSecret = 'e2e-webhook-secret-0123456789'

/**
 * Round robin over the instances still up (a refused connection tries the next, as a balancer's
 * health check would), except that event streams go to `streamsTo` while it is up: the story
 * needs the stream on B. The widget's own files come from A (B runs from source, unbuilt).
 */
async function startBalancer(targets: () => { a: string; b: string | null }) {
  let turn = 0
  const server: Server = createServer((request, response) => {
    const { a, b } = targets()
    const path = request.url ?? '/'
    const order =
      path.startsWith('/widget') || !b
        ? [a]
        : path.endsWith('/events')
          ? [b, a]
          : turn++ % 2
            ? [a, b]
            : [b, a]
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const body = Buffer.concat(chunks)
      const attempt = (i: number) => {
        const target = new URL(order[i]!)
        const upstream = httpRequest(
          {
            host: target.hostname,
            port: target.port,
            method: request.method,
            path,
            headers: request.headers,
          },
          (answer) => {
            response.writeHead(answer.statusCode ?? 502, answer.headers)
            answer.pipe(response)
            answer.on('error', () => response.destroy())
          },
        )
        upstream.on('error', () => {
          if (!response.headersSent && i + 1 < order.length) attempt(i + 1)
          else response.destroy()
        })
        response.on('close', () => upstream.destroy())
        upstream.end(body)
      }
      attempt(0)
    })
  })
  server.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  return {
    url: `http://localhost:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections()
      return new Promise((resolve) => server.close(resolve))
    },
  }
}

type Stack = {
  redis: TestRedis
  emulator: Emulator
  a: Running
  b: ProxyProcess | null
  siteUrl: string
  /** Every instance restarts: A drains and starts again, B is killed and started again. */
  restartAll(): Promise<void>
  close(): Promise<void>
}

const test = base.extend<{ stack: Stack; visitor: Page; agent: Page }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern.
  stack: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'zchat-e2e-redis-'))
    const mediaDir = mkdtempSync(join(tmpdir(), 'zchat-e2e-media-'))
    const redis = await startTestRedis({ dir })
    const emulator = await startEmulator({ token })
    let balancerUrl = ''
    const site = await startDemoSite({
      htmlPath: `${root}index.html`,
      proxyUrl: () => balancerUrl,
      port: 0,
      host: '127.0.0.1',
    })
    const siteOrigins = [site.url, site.url.replace('127.0.0.1', 'localhost')]
    const stack = {
      redis,
      emulator,
      b: null,
      siteUrl: shopUrl({ demoUrl: `${site.url}/` }),
    } as unknown as Stack
    const balancer = await startBalancer(() => ({ a: stack.a.url, b: stack.b?.url ?? null }))
    balancerUrl = balancer.url
    const config = testConfig({
      zchatApiUrl: emulator.apiUrl,
      zchatToken: token,
      webhookSecret,
      publicUrl: balancerUrl,
      allowedOrigins: siteOrigins,
      redisUrl: redis.url,
      mediaDir,
      limits: { ...defaultLimits, heartbeatMs: 2000, shutdownTimeoutMs: 500 },
    })
    const startA = async () => {
      stack.a = await startProxy(config, { widgetDir, logger: false })
      // zChat's webhooks reach instance A.
      emulator.setWebhookUrl(`${stack.a.url}/webhooks/zchat/${webhookSecret}`)
    }
    const startB = async () => {
      stack.b = await startProxyProcessAlong(config, { HEARTBEAT_MS: '2000' })
    }
    await startA()
    await startB()
    stack.restartAll = async () => {
      const b = stack.b
      if (b) {
        const killed = new Promise((resolve) => b.child.once('exit', resolve))
        b.child.kill('SIGKILL')
        await killed
      }
      stack.b = null
      await stack.a.drain()
      await startA()
      await startB()
    }
    await use(stack)
    stack.b?.child.kill('SIGKILL')
    await site.close()
    await balancer.close()
    await stack.a.drain()
    await emulator.close()
    await redis.stop()
    rmSync(dir, { recursive: true, force: true })
    rmSync(mediaDir, { recursive: true, force: true })
  },
  /** The site through the balancer, in a browser of its own. */
  visitor: async ({ browser, stack }, use) => {
    await usePageAt(browser, stack.siteUrl, use)
  },
  agent: async ({ browser, stack }, use) => {
    await usePageAt(browser, stack.emulator.consoleUrl, use)
  },
})

test('the visitor keeps every agent message when their instance is killed and Redis restarts', async ({
  visitor,
  agent,
  stack,
}) => {
  const chat = await startChat(visitor, 'Several instances here')
  const card = interactionWith(agent, 'Several instances here')
  await card.getByRole('button', { name: 'Accept' }).click()
  await reply(card, 'Reply 1')
  const log = chat.getByRole('log')
  await expect(log).toContainText('Reply 1')

  // B holds the visitor's stream; it dies without a word.
  const killed = new Promise((resolve) => stack.b!.child.once('exit', resolve))
  stack.b!.child.kill('SIGKILL')
  await killed
  stack.b = null
  await reply(card, 'Reply 2')
  await reply(card, 'Reply 3')
  await expect(log).toContainText('Reply 3', { timeout: 30_000 })

  // Redis restarts (with its append-only file): the conversation goes on.
  await stack.redis.stop()
  await stack.redis.start()
  await expect
    .poll(async () => (await fetch(`${stack.a.url}/readyz`)).status, { timeout: 15_000 })
    .toBe(200)
  await reply(card, 'Reply 4')
  await expect(log).toContainText('Reply 4', { timeout: 30_000 })
  await send(chat, 'Still here')
  await expect(card.getByRole('list', { name: 'Messages' })).toContainText('Still here')

  for (const n of [1, 2, 3, 4])
    await expect(log.getByText(`Reply ${n}`, { exact: true })).toHaveCount(1)
  const order = (await log.textContent()) ?? ''
  for (const n of [1, 2, 3])
    expect(order.indexOf(`Reply ${n}`)).toBeLessThan(order.indexOf(`Reply ${n + 1}`))
})

test('a chat rated in one tab is refused a second rating from another, after every instance restarted', async ({
  browser,
  visitor: first,
  agent,
  stack,
}) => {
  // One visitor, two browser windows of their own that hold the same conversation (its stored session
  // copied over): tabs of one browser would share the stream and hear of the rating (e2e/many-tabs).
  const chat = await startChat(first, 'Rate me once')
  const card = interactionWith(agent, 'Rate me once')
  await card.getByRole('button', { name: 'Accept' }).click()
  await reply(card, 'Anything else?')
  await expect(chat.getByRole('log')).toContainText('Anything else?')
  const secondContext = await browser.newContext({
    storageState: await first.context().storageState(),
  })
  const second = await secondContext.newPage()
  await second.goto(stack.siteUrl)
  const otherChat = second.getByRole('dialog', { name: 'Chat with us' })
  if (!(await otherChat.isVisible()))
    await second.getByRole('button', { name: 'Open chat' }).click()
  await expect(otherChat.getByRole('log')).toContainText('Anything else?')

  await card.getByRole('button', { name: 'Finish' }).click()
  await expect(chat.getByText('The chat has ended')).toBeVisible()
  await expect(otherChat.getByText('The chat has ended')).toBeVisible()
  // The second window loses its connection for good (a laptop lid closed) as B, which held both
  // windows' streams, dies: it never hears of the rating the first sends, and still offers the form.
  await second.route(
    (url) => url.pathname.endsWith('/events'),
    (route) => route.abort(),
  )
  const b = stack.b!
  const killed = new Promise((resolve) => b.child.once('exit', resolve))
  b.child.kill('SIGKILL')
  await killed
  stack.b = null
  await chat.getByRole('button', { name: 'Good' }).click()
  await chat.getByRole('button', { name: 'Send rating' }).click()
  await expect(chat.getByText('Thanks for your feedback')).toBeVisible()
  await expect(card).toContainText('POSITIVE')

  await stack.restartAll()
  await expect
    .poll(async () => (await fetch(`${stack.b!.url}/readyz`)).status, { timeout: 15_000 })
    .toBe(200)

  await otherChat.getByRole('button', { name: 'Bad' }).click()
  const refused = second.waitForResponse(
    (response) => response.url().endsWith('/rating') && response.request().method() === 'PUT',
  )
  await otherChat.getByRole('button', { name: 'Send rating' }).click()
  expect((await refused).status()).toBe(409)
  // The widget takes the refusal as "already rated": no error, no second form.
  await expect(otherChat.getByText('Thanks for your feedback')).toBeVisible()
  await expect(otherChat.getByRole('button', { name: 'Send rating' })).toBeHidden()
  // zChat keeps the first rating.
  await agent.reload()
  await expect(interactionWith(agent, 'Rate me once')).toContainText('POSITIVE')
  await expect(interactionWith(agent, 'Rate me once')).not.toContainText('NEGATIVE')
  await secondContext.close()
})
