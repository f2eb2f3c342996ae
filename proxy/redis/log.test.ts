import { type AddressInfo, connect, createServer, type Socket } from 'node:net'
import { createClient } from 'redis'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '../errors.ts'
import type { EvictionReason } from '../events/log.ts'
import { describeEventLog } from '../testing/event-log-suite.ts'
import { useTestRedis } from '../testing/redis-vitest.ts'
import { redisKeys } from './keys.ts'
import { createRedisLog } from './log.ts'

const redis = useTestRedis()
let test = 0
// Each test its own key prefix: a clean store without restarting the server.
beforeEach(() => {
  test++
})

describeEventLog('redis', async ({ sameStore: _, ...options }) => {
  const log = createRedisLog({ url: redis.url, prefix: `t${test}:`, ...options })
  await log.relayReady()
  return log
})

describe('erasing a conversation', () => {
  it('deletes its entries from the shared relay too, page after page, and no other', async () => {
    const prefix = `erase${test}:`
    const log = createRedisLog({ url: redis.url, prefix })
    await log.relayReady()
    // Opened here: the relay carries only conversations opened or ended, never a stranger's.
    await Promise.all([log.open('gone'), log.open('kept')])
    // More than one page of the relay (a thousand entries), the erased conversation's spread over them.
    for (let i = 0; i < 1500; i++) {
      const id = i % 3 === 0 ? 'gone' : 'kept'
      await log.append(id, { type: 'message', author: 'agent', messageId: `m${i}`, text: `t${i}` })
    }
    expect(await log.erase('gone')).toBe(500)
    const admin = createClient({ url: redis.url })
    await admin.connect()
    const relay = (await admin.xRange(`${prefix}relay`, '-', '+')) ?? []
    expect(relay.filter((entry) => entry.message.c === 'gone')).toEqual([])
    expect(relay.filter((entry) => entry.message.c === 'kept')).toHaveLength(1000)
    expect(await admin.keys(`${prefix}c:{gone}:*`)).toEqual([])
    await admin.close()
    await log.close()
  })
})

describe('the relay after a long outage', () => {
  it('says so when it was trimmed past where this instance stopped reading', async () => {
    let gaps = 0
    const prefix = `gap${test}:`
    // The watcher reaches Redis through a gate the test closes: it cannot read again, however
    // slow the machine, until the writer has filled the relay past where it stopped.
    const gate = await openGate(redis.port)
    const watcher = createRedisLog({
      url: gate.url,
      prefix,
      relayLength: 10,
      retryMs: 20,
      onRelayGap: () => gaps++,
    })
    const writer = createRedisLog({ url: redis.url, prefix, relayLength: 10 })
    await Promise.all([watcher.relayReady(), writer.relayReady()])
    await Promise.all([writer.open('a'), writer.open('b')])
    const seen: number[] = []
    watcher.subscribe('a', (e) => seen.push(e.id))
    const accepted = await writer.append('a', { type: 'accepted' })
    await vi.waitFor(() => expect(seen).toHaveLength(1))
    gate.close()
    for (let i = 0; i < 300; i++) await writer.append('b', { type: 'typing' })
    // Trimmed whole nodes at a time (MAXLEN ~): 300 entries take it well past the first.
    const admin = createClient({ url: redis.url })
    await admin.connect()
    const first = await admin.xRange(redisKeys(prefix).relay, '-', '+', { COUNT: 1 })
    expect(Number(first?.[0]?.id.split('-')[0])).toBeGreaterThan(accepted!.id)
    await admin.close()
    expect(gaps).toBe(0)
    gate.open()
    await vi.waitFor(() => expect(gaps).toBe(1), { timeout: 10_000 })
    expect(seen).toHaveLength(1)
    await Promise.all([watcher.close(), writer.close()])
    await gate.stop()
  })
})

/** A TCP gate in front of Redis: closed, it cuts its connections and refuses new ones. */
async function openGate(port: number) {
  const sockets = new Set<Socket>()
  let closed = false
  const server = createServer((client) => {
    if (closed) return client.destroy()
    const upstream = connect(port, '127.0.0.1')
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
      socket.on('error', () => {})
    }
    client.pipe(upstream).pipe(client)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port: own } = server.address() as AddressInfo
  return {
    url: `redis://127.0.0.1:${own}`,
    close() {
      closed = true
      for (const socket of sockets) socket.destroy()
    },
    open() {
      closed = false
    },
    stop() {
      for (const socket of sockets) socket.destroy()
      return new Promise((resolve) => server.close(resolve))
    },
  }
}

describe('a Redis that hangs', () => {
  it('fails calls with a retryable 503 within the command timeout, and answers again once Redis does', async () => {
    const log = createRedisLog({ url: redis.url, prefix: `hang${test}:`, commandTimeoutMs: 300 })
    await log.relayReady()
    await log.append('a', { type: 'accepted' })
    redis.pause()
    try {
      const started = Date.now()
      const failure = await log.append('a', { type: 'typing' }).catch((error: unknown) => error)
      expect(failure).toBeInstanceOf(ApiError)
      expect(failure).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryAfter: 2 })
      expect(Date.now() - started).toBeLessThan(3000)
      expect(await log.healthy()).toBe(false)
    } finally {
      redis.resume()
    }
    await vi.waitFor(async () => expect(await log.healthy()).toBe(true), { timeout: 5000 })
    const logged = await log.append('a', { type: 'finished', by: 'agent' })
    expect(logged).toMatchObject({ type: 'finished' })
    // The command that timed out may still have reached Redis: nothing else is doubled or lost.
    const types = (await log.readAfter('a', 0)).map((e) => e.type)
    expect(types[0]).toBe('accepted')
    expect(types.at(-1)).toBe('finished')
    await log.close()
  })
})

describe('a flood of triggers for interactions never opened here', () => {
  it('keeps Redis within the unopened caps, deleting the least recently active, while a live conversation keeps every event', async () => {
    const prefix = `flood${test}:`
    const evicted: Partial<Record<EvictionReason, number>> = {}
    const maxBytes = 256 * 1024
    let t = Date.now()
    const log = createRedisLog({
      url: redis.url,
      prefix,
      now: () => t++,
      unopenedMaxConversations: 20,
      unopenedMaxBytes: maxBytes,
      onEvict: (reason, count) => {
        evicted[reason] = (evicted[reason] ?? 0) + count
      },
    })
    await log.relayReady()
    const admin = createClient({ url: redis.url, RESP: 2 })
    await admin.connect()
    const keys = redisKeys(prefix)
    const [set, sizes, total] = keys.unopened
    await log.open('live')
    const text = 'Olá, o meu pedido ainda não chegou. '.repeat(850)
    const said: string[] = []
    let most = 0
    for (let i = 0; i < 200; i++) {
      await log.append(`stranger-${i}`, {
        type: 'message',
        author: 'agent',
        messageId: `s${i}`,
        text: `${i} ${text}`,
      })
      // Half of them ended as well: an ending trigger is no way around the caps, nor onto the relay.
      if (i % 2 === 0)
        await log.append(`stranger-${i}`, { type: 'finished', by: 'agent' }, 'finished')
      if (i % 10 === 0) {
        said.push(`live ${i}`)
        await log.append('live', {
          type: 'message',
          author: 'agent',
          messageId: `l${i}`,
          text: `live ${i}`,
        })
      }
      most = Math.max(most, Number(await admin.get(total!)))
    }
    // 6 MB sent; never more than the cap held (the newest is kept whatever its size).
    expect(most).toBeLessThanOrEqual(maxBytes)
    const listed = (await admin.sendCommand(['ZRANGE', set!, '0', '-1'])) as string[]
    const stored = (await admin.sendCommand(['KEYS', `${prefix}c:*:events`])) as string[]
    expect(listed.length).toBeGreaterThanOrEqual(6)
    expect(listed.at(-1)).toBe('stranger-199')
    expect(stored.sort()).toEqual(
      [...listed.map((id) => keys.conversation(id)[0]!), keys.conversation('live')[0]!].sort(),
    )
    // The total is what the listed streams hold, as their own state says.
    let held = 0
    for (const id of listed) held += Number(await admin.hGet(keys.conversation(id)[1]!, 'bytes'))
    expect(Number(await admin.get(total!))).toBe(held)
    expect(evicted).toEqual({ 'unopened-cap': 200 - listed.length })
    // Nobody watches those: the relay carries the live conversation's events alone.
    expect(await admin.xLen(keys.relay)).toBe(said.length)
    const live = await log.readAfter('live', 0)
    expect(live.map((e) => (e.type === 'message' ? e.text : e.type))).toEqual(said)
    // Opened, a conversation leaves the list and its bytes the total.
    const opened = listed.at(-1)!
    const its = Number(await admin.hGet(sizes!, opened))
    await log.open(opened)
    expect(Number(await admin.get(total!))).toBe(held - its)
    expect(await admin.zScore(set!, opened)).toBeNull()
    expect((await log.readAfter(opened, 0)).length).toBe(1)
    const ended = listed.findLast((id) => Number(id.split('-')[1]) % 2 === 0)!
    await log.open(ended)
    expect((await log.readAfter(ended, 0)).map((e) => e.type)).toEqual(['message', 'finished'])
    expect(await log.status(ended)).toMatchObject({ opened: true, ended: true })
    await admin.close()
    await log.close()
  })
})

describe('a Redis full to its maxmemory (noeviction)', () => {
  it('refuses writes with a retryable 503, and takes them again once there is room', async () => {
    const log = createRedisLog({ url: redis.url, prefix: `full${test}:` })
    await log.relayReady()
    const admin = createClient({ url: redis.url })
    await admin.connect()
    await log.open('a')
    const used = Number(/used_memory:(\d+)/.exec(await admin.info('memory'))?.[1])
    await admin.configSet({
      maxmemory: String(used + 512 * 1024),
      'maxmemory-policy': 'noeviction',
    })
    try {
      const text = 'x'.repeat(50_000)
      let failure: unknown = null
      for (let i = 0; i < 100 && !failure; i++) {
        failure = await log
          .append('a', { type: 'message', author: 'agent', messageId: `m${i}`, text })
          .then(
            () => null,
            (error: unknown) => error,
          )
      }
      expect(failure).toBeInstanceOf(ApiError)
      expect(failure).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryAfter: 2 })
      expect(await log.healthy()).toBe(true)
    } finally {
      await admin.configSet({ maxmemory: '0' })
    }
    expect(await log.append('a', { type: 'accepted' })).toMatchObject({ type: 'accepted' })
    await admin.close()
    await log.close()
  })
})
