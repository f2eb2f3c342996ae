/**
 * What Redis holds per conversation (docs/operations.md "Several instances"): a redis-server of its own (Debian's
 * `redis-server`, as the tests use), conversations written through the proxy's own Redis log (the
 * append script: stream entries, state hash, de-duplication keys, relay), then `INFO memory` and
 * `MEMORY USAGE` read back.
 *
 *   npx tsx scripts/redis-memory.ts [conversations=2000] [messages=20,100]
 *   npx tsx scripts/redis-memory.ts unopened [triggers=5000] [kb=30]
 *
 * Each conversation: queued, accepted, `messages` messages of 75 characters (agent and visitor by
 * turns, each with its de-duplication key as the webhook and the message route write them), a
 * typing and a cleared notice per 2 messages, finished and rated.
 *
 * `unopened`: a webhook flood instead (issue 18): `triggers` agent messages of `kb` KB, each for an
 * interaction never opened here, first with the caps lifted (what each one costs Redis), then with
 * the default UNOPENED_MAX_CONVERSATIONS and UNOPENED_MAX_BYTES (what the flood leaves).
 */
import { createClient } from 'redis'
import type { ConversationEvent } from '../protocol/wire.ts'
import { redisKeys } from '../proxy/redis/keys.ts'
import { createRedisLog } from '../proxy/redis/log.ts'
import { startTestRedis } from '../proxy/testing/redis-server.ts'

const flood = process.argv[2] === 'unopened'
const conversations = Number(process.argv[2] ?? 2000)
const sizes = (process.argv[3] ?? '20,100').split(',').map(Number)
const text =
  'Do you have the Ridgeline 2 tent in green, and can it ship to Lisbon by Friday?'.slice(0, 75)

function conversation(messages: number): [ConversationEvent, string | undefined][] {
  const events: [ConversationEvent, string | undefined][] = [
    [{ type: 'queued', position: 1 }, undefined],
    [{ type: 'accepted' }, undefined],
  ]
  for (let i = 0; i < messages; i++) {
    if (i % 2 === 0) {
      events.push([{ type: 'typing' }, undefined], [{ type: 'cleared' }, undefined])
      const hash = `5f${String(i).padStart(30, '0')}`
      events.push([
        { type: 'message', author: 'agent', messageId: hash, text, agentName: 'Ana' },
        `agent-message:${hash}`,
      ])
    } else {
      const clientId = `c-${String(i).padStart(20, '0')}`
      events.push([
        { type: 'message', author: 'visitor', messageId: `v-${clientId}`, text, clientId },
        `visitor-message:${clientId}`,
      ])
    }
  }
  events.push([{ type: 'finished', by: 'agent' }, 'finished'])
  events.push([{ type: 'rated', mood: 'positive' }, 'rated'])
  return events
}

const redis = await startTestRedis()
const admin = createClient({ url: redis.url, RESP: 2 })
await admin.connect()
const usedMemory = async () =>
  Number(/used_memory:(\d+)/.exec(String(await admin.sendCommand(['INFO', 'memory'])))?.[1])
const memoryUsage = async (key: string) =>
  Number(await admin.sendCommand(['MEMORY', 'USAGE', key, 'SAMPLES', '0']))

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`

/** `triggers` unopened triggers of `size` KB through the append script, with the caps given. */
async function floodRun(label: string, triggers: number, size: number, caps: object) {
  const prefix = `${label}:`
  const log = createRedisLog({ url: redis.url, prefix, relayLength: 10_000, ...caps })
  await log.relayReady()
  await admin.sendCommand(['FLUSHALL'])
  const before = await usedMemory()
  const text = 'Olá, o meu pedido 4411 ainda não chegou a Lisboa. '.repeat((size * 1024) / 51)
  for (let first = 0; first < triggers; first += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, triggers - first) }, (_, k) => {
        const n = first + k
        const id = `f1${n.toString(16).padStart(8, '0')}0a9b8c7d6e5f4a3b`
        const hash = n.toString(16).padStart(32, '0')
        return log.append(
          id,
          { type: 'message', author: 'agent', messageId: hash, text, agentName: 'Ana' },
          `agent-message:${hash}`,
        )
      }),
    )
  }
  const relay = await memoryUsage(redisKeys(prefix).relay)
  const total = (await usedMemory()) - before
  const held = Number(await admin.sendCommand(['ZCARD', redisKeys(prefix).unopened[0]!]))
  console.log(
    `| ${label} | ${triggers} x ${size} KB | ${held} | ${mb(total - relay)} | ${kb((total - relay) / held)} | ${mb(relay)} |`,
  )
  await log.close()
}

if (flood) {
  const triggers = Number(process.argv[3] ?? 5000)
  const size = Number(process.argv[4] ?? 30)
  console.log(`| caps | triggers | held | held in Redis (INFO) | per held trigger | relay |`)
  console.log(`| --- | --- | --- | --- | --- | --- |`)
  await floodRun('lifted', triggers, size, {
    unopenedMaxConversations: 10_000_000,
    unopenedMaxBytes: 1024 ** 4,
  })
  await floodRun('defaults', triggers, size, {})
  await admin.close()
  await redis.stop()
  process.exit(0)
}

console.log(`| messages | events | per conversation (INFO) | its keys (MEMORY USAGE) | relay |`)
console.log(`| --- | --- | --- | --- | --- |`)
for (const [run, messages] of sizes.entries()) {
  const prefix = `m${run}:`
  // The relay's cap as the proxy sets it: what it holds is a fixed cost, apart from conversations.
  const log = createRedisLog({ url: redis.url, prefix, relayLength: 10_000 })
  await log.relayReady()
  await admin.sendCommand(['FLUSHALL'])
  const before = await usedMemory()
  const events = conversation(messages)
  // 50 conversations at a time, each in order.
  for (let first = 0; first < conversations; first += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, conversations - first) }, async (_, k) => {
        const id = `${(first + k).toString(36).padStart(12, '0')}e0c4a2b9f1d3`
        await log.open(id)
        for (const [event, key] of events) await log.append(id, event, key)
      }),
    )
  }
  const keys = redisKeys(prefix)
  const relay = await memoryUsage(keys.relay)
  const total = (await usedMemory()) - before
  const one = `${(0).toString(36).padStart(12, '0')}e0c4a2b9f1d3`
  let held = 0
  for (const key of keys.conversation(one)) held += await memoryUsage(key)
  console.log(
    `| ${messages} | ${events.length} | ${kb((total - relay) / conversations)} | ${kb(held)} | ${(relay / 1024 / 1024).toFixed(1)} MB |`,
  )
  await log.close()
}
await admin.close()
await redis.stop()
