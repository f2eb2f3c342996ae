/**
 * A visitor comes back after the proxy's event log has forgotten their ended conversation
 * (ENDED_RETENTION_MINUTES=1, on Redis as several instances run it): they see the earlier messages
 * as an ended chat, start a new one, and zChat's history fetch for it holds what was said before.
 *
 * The log forgets because Redis expires its keys a minute after the end. The story checks that the
 * proxy set that minute, then lets it pass for those keys alone (PEXPIRE) instead of waiting it out:
 * credentials, transcripts and zChat are left as a real minute would leave them.
 */
import { test as base, expect } from '@playwright/test'
import { createClient } from 'redis'
import { loadDemoConfig } from '../demo/config.ts'
import { type Demo, startDemo } from '../demo/start.ts'
import { redisKeys } from '../proxy/redis/keys.ts'
import { startTestRedis, type TestRedis } from '../proxy/testing/redis-server.ts'
import {
  interactionWith,
  recordedInteraction,
  reply,
  send,
  shopUrl,
  startChat,
} from './fixtures.ts'

type Stack = Demo & { redis: TestRedis }

const test = base.extend<{ stack: Stack }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern.
  stack: async ({}, use) => {
    const redis = await startTestRedis()
    const config = loadDemoConfig({
      PORT: '0',
      DEMO_PORT: '0',
      EMULATOR_PORT: '0',
      LOG_LEVEL: 'silent',
      HEARTBEAT_MS: '2000',
      ENDED_RETENTION_MINUTES: '1',
      REDIS_URL: redis.url,
    })
    const demo = await startDemo(config, { logger: false })
    await use({ ...demo, redis })
    await demo.close()
    await redis.stop()
  },
})

/** A minute passes for the conversation's event log in Redis (only there): its keys expire. */
async function letTheLogForget(redisUrl: string, conversationId: string) {
  const admin = createClient({ url: redisUrl })
  await admin.connect()
  const keys = redisKeys('zchat-widget:').conversation(conversationId)
  for (const key of keys) {
    // The proxy gave them ENDED_RETENTION_MINUTES from the end: a minute at most.
    const ttl = await admin.pTTL(key)
    expect(ttl, key).toBeGreaterThan(0)
    expect(ttl, key).toBeLessThanOrEqual(60_000)
    await admin.pExpire(key, 1)
  }
  await expect.poll(() => admin.exists(keys)).toBe(0)
  await admin.close()
}

test('a visitor back after the proxy forgot their ended chat sees it, and a new chat carries it to zChat', async ({
  browser,
  stack,
}) => {
  const agent = await browser.newPage()
  await agent.goto(stack.emulator.consoleUrl)
  const visitorBrowser = await browser.newContext()
  const tab = await visitorBrowser.newPage()
  await tab.goto(shopUrl({ demoUrl: `${stack.site.url}/` }))

  const chat = await startChat(tab, 'My tent pole broke')
  const card = interactionWith(agent, 'My tent pole broke')
  await card.getByRole('button', { name: 'Accept' }).click()
  await reply(card, 'We will send a new one')
  await card.getByRole('button', { name: 'Finish' }).click()
  await expect(chat.getByText('The chat has ended')).toBeVisible()
  const first = await recordedInteraction(stack, 'My tent pole broke')
  await tab.close()

  await letTheLogForget(stack.redis.url, first.hash)

  // Back on the site, in the same browser: the chat shows what was said, as an ended chat.
  const back = await visitorBrowser.newPage()
  await back.goto(shopUrl({ demoUrl: `${stack.site.url}/` }))
  await back.getByRole('button', { name: 'Open chat' }).click()
  const again = back.getByRole('dialog', { name: 'Chat with us' })
  const log = again.getByRole('log')
  await expect(log).toContainText('My tent pole broke')
  await expect(log).toContainText('We will send a new one')
  await expect(again.getByText('The chat has ended')).toBeVisible()
  await expect(again.getByText('Connecting…')).toHaveCount(0)

  await again.getByRole('button', { name: 'Start a new chat' }).click()
  await send(again, 'Following up on the pole')
  const second = interactionWith(agent, 'Following up on the pole')
  await expect(second.getByRole('list', { name: 'Earlier history' })).toContainText(
    'My tent pole broke',
  )
  const next = await recordedInteraction(stack, 'Following up on the pole')
  expect(next.hash).not.toBe(first.hash)

  // zChat may GET the history whenever it likes: now, long after the log forgot.
  const fetched = await fetch(
    `${stack.emulator.url}/control/interactions/${encodeURIComponent(next.hash)}/history`,
    { method: 'POST' },
  )
  expect(fetched.status).toBe(200)
  const { externalHistory } = (await fetched.json()) as {
    externalHistory: { messages?: Array<{ direction: string; content: string }> }
  }
  expect(externalHistory.messages).toMatchObject([
    { direction: 'CLIENT', content: 'My tent pole broke' },
    { direction: 'AGENT', content: 'We will send a new one' },
  ])
  // Nothing went into the finished interaction.
  expect((await recordedInteraction(stack, 'My tent pole broke')).messages).toHaveLength(2)
  await visitorBrowser.close()
  await agent.close()
})
