/**
 * Attack: open event streams with an old Last-Event-ID on a conversation with a long backlog, then
 * never read. Each such stream must cost the proxy at most STREAM_BUFFER_BYTES, and once a reader
 * is further behind than that its stream is cut; the visitor loses nothing when it comes back.
 */
import { connect, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { routes } from '../../protocol/wire.ts'
import {
  agentMessageTrigger,
  type ProductionHarness,
  postTrigger,
  readEvents,
  readMetric,
  scrape,
  startConversation,
  startProduction,
} from '../testing/harness.ts'

const bufferCap = 256 * 1024
const readers = 6
/** About 24 MB of backlog (1,500 messages of 16 KB): far more than loopback's socket buffers can hide. */
const backlog = 1500
const text = 'x'.repeat(16_000)

let p: ProductionHarness
let conversation: Awaited<ReturnType<typeof startConversation>>
beforeAll(async () => {
  p = await startProduction({
    metrics: { port: 0 },
    limits: {
      streamBufferBytes: bufferCap,
      maxEventsPerConversation: backlog + 1000,
      // The backlog whole (about 24 MB): the default byte cap (1 MiB) would trim all but the newest.
      maxBytesPerConversation: 64 * 1024 ** 2,
      // A reader that takes nothing for two heartbeats is cut.
      heartbeatMs: 1000,
    },
  })
  conversation = await startConversation(p.proxy.url)
  for (let i = 0; i < backlog; i += 50) {
    await Promise.all(
      Array.from({ length: 50 }, (_, j) =>
        postTrigger(
          p.proxy.url,
          agentMessageTrigger(conversation.conversationId, text, `m-${i + j}`),
        ),
      ),
    )
  }
}, 60_000)
afterAll(() => p?.close())

/** A client that asks for the stream from the start and then never reads a byte. */
function openWithoutReading(): Promise<Socket> {
  const { port } = new URL(p.proxy.url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.pause()
      socket.write(
        [
          `GET ${routes.events(conversation.conversationId)} HTTP/1.1`,
          `Host: 127.0.0.1:${port}`,
          `Authorization: ${conversation.headers.authorization}`,
          'Last-Event-ID: 0',
          '',
          '',
        ].join('\r\n'),
      )
      resolve(socket)
    })
    socket.once('error', reject)
  })
}

const metric = async (name: string) => readMetric(await scrape(p.proxy.metricsUrl!), name)

describe('readers that never read', () => {
  it('cost at most STREAM_BUFFER_BYTES each, and are cut once further behind', async () => {
    const sockets = await Promise.all(Array.from({ length: readers }, openWithoutReading))
    // Every reader gets its stream. Each replay fills its socket before the next is served, and a
    // stream whose reader then takes nothing for two heartbeats is cut: on a busy machine the first
    // can be cut before the last opens, so a stream already cut counts as served (one scrape holds
    // both counts).
    await expect
      .poll(
        async () => {
          const text = await scrape(p.proxy.metricsUrl!)
          return (
            readMetric(text, 'zchat_proxy_open_streams') +
            readMetric(text, 'zchat_proxy_slow_readers_dropped_total')
          )
        },
        { timeout: 10_000 },
      )
      .toBe(readers)
    // The replay goes only as fast as each reader takes it: what waits for them stays bounded.
    for (let i = 0; i < 5; i++) {
      expect(await metric('zchat_proxy_stream_buffered_bytes')).toBeLessThanOrEqual(
        readers * bufferCap,
      )
    }
    // Live messages keep coming while they read nothing; a reader that takes nothing for two
    // heartbeats is cut.
    for (let i = 0; i < 200; i++) {
      await postTrigger(
        p.proxy.url,
        agentMessageTrigger(conversation.conversationId, text, `live-${i}`),
      )
    }
    expect(await metric('zchat_proxy_stream_buffered_bytes')).toBeLessThanOrEqual(
      readers * bufferCap,
    )
    await expect
      .poll(() => metric('zchat_proxy_slow_readers_dropped_total'), { timeout: 10_000 })
      .toBe(readers)
    expect(await metric('zchat_proxy_open_streams')).toBe(0)
    expect(await metric('zchat_proxy_stream_buffered_bytes')).toBe(0)
    for (const socket of sockets) socket.destroy()
  }, 60_000)

  it('lose nothing: a visitor who comes back gets every message, in order', async () => {
    const { events } = await readEvents(
      `${p.proxy.url}${routes.events(conversation.conversationId)}`,
      conversation.headers,
      (received) => received.filter((e) => e.type === 'message').length >= backlog + 200,
      30_000,
    )
    const ids = events.map((e) => e.id)
    expect(ids).toEqual([...ids].sort((a, b) => a - b))
    expect(new Set(ids).size).toBe(ids.length)
  }, 60_000)
})
