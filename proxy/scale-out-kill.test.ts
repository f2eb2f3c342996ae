/**
 * An instance killed with SIGKILL mid-conversation: its visitor reconnects (through the load
 * balancer) to another instance and resumes, every agent message once and in order, because the
 * conversation lives in Redis. Instance B is the production entry in a process of its own, so it
 * can be killed; A runs in this process and receives zChat's webhooks.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Emulator, startEmulator } from '../emulator/server.ts'
import { routes } from '../protocol/wire.ts'
import { defaultLimits } from './env.ts'
import { type Running, startProxy } from './server.ts'
import {
  agentMessageTrigger,
  openStream,
  type ProxyProcess,
  postTrigger,
  startConversation,
  startProxyProcessAlong,
  testConfig,
  testToken,
  webhookSecret,
} from './testing/harness.ts'
import { startTestRedis, type TestRedis } from './testing/redis-server.ts'

let redis: TestRedis
let dir: string
let emulator: Emulator
let a: Running
let b: ProxyProcess

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'zchat-redis-'))
  redis = await startTestRedis({ dir })
  emulator = await startEmulator({ token: testToken })
  const config = testConfig({
    zchatApiUrl: emulator.apiUrl,
    redisUrl: redis.url,
    limits: { ...defaultLimits, shutdownTimeoutMs: 500 },
  })
  a = await startProxy(config, { widgetDir: '/nonexistent', logger: false })
  // The production entry, on REDIS_URL, with the same secrets as the in-process instance A.
  b = await startProxyProcessAlong(config)
  emulator.setWebhookUrl(`${a.url}/webhooks/zchat/${webhookSecret}`)
}, 30_000)
afterAll(async () => {
  b?.child.kill('SIGKILL')
  await a?.drain()
  await emulator?.close()
  await redis?.stop()
  rmSync(dir, { recursive: true, force: true })
})

const agentTexts = (events: { type: string; text?: string }[]) =>
  events.flatMap((e) => (e.type === 'message' && e.text ? [e.text] : []))

describe('an instance killed with SIGKILL', () => {
  it('loses its visitors nothing: they resume on another instance, every agent message once, in order', async () => {
    const c = await startConversation(b.url)
    const onB = await openStream(`${b.url}${routes.events(c.conversationId)}`, c.headers)
    await postTrigger(a.url, agentMessageTrigger(c.conversationId, 'One'))
    await postTrigger(a.url, agentMessageTrigger(c.conversationId, 'Two'))
    await onB.waitFor((events) => agentTexts(events).includes('Two'))

    const killed = new Promise((resolve) => b.child.once('exit', resolve))
    b.child.kill('SIGKILL')
    await killed
    // zChat goes on while the visitor's stream is down, and repeats a trigger.
    await postTrigger(a.url, agentMessageTrigger(c.conversationId, 'Three'))
    await postTrigger(a.url, agentMessageTrigger(c.conversationId, 'Two'))
    await postTrigger(a.url, agentMessageTrigger(c.conversationId, 'Four'))

    // The widget reconnects through the load balancer, which now sends it to A.
    const lastSeen = onB.events.at(-1)!.id
    const onA = await openStream(`${a.url}${routes.events(c.conversationId)}`, {
      ...c.headers,
      'last-event-id': String(lastSeen),
    })
    await postTrigger(a.url, agentMessageTrigger(c.conversationId, 'Five'))
    await onA.waitFor((events) => agentTexts(events).includes('Five'))
    onA.close()
    expect([...agentTexts(onB.events), ...agentTexts(onA.events)]).toEqual([
      'One',
      'Two',
      'Three',
      'Four',
      'Five',
    ])
  }, 30_000)
})
