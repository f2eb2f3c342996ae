/**
 * The measurements, the same for the proxy and the baseline: idle streams and their memory, the
 * webhook-to-frame latency with them open, a reconnect storm, and webhook ingestion.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { call, keepAlive, percentile, pool, sortNumbers } from './http.ts'
import type { Measured, Memory } from './processes.ts'
import { clientAddress, connect, drop, newReader, type Reader } from './sse-client.ts'

/** One conversation as the bench drives it. */
export type Conversation = {
  eventsUrl: string
  headers: Record<string, string>
  webhookUrl: string
}

export type Target = Measured & {
  name: string
  open(i: number): Promise<Conversation>
}

export const trigger = (conversationId: string, hash: string) => ({
  interaction_hash: conversationId,
  message: { hash, content: `Hello from the bench, message ${hash}`, type: 'text', url: null },
  agent: { id: 7, name: 'Carla' },
  extra: {},
})

export type Latency = { p50: number; p99: number; count: number }

export const latency = (values: number[]): Latency => {
  const sorted = sortNumbers(values)
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), count: sorted.length }
}

export type StreamFigures = {
  conversations: Conversation[]
  streams: number
  before: Memory
  after: Memory
  webhookToFrame: Latency
}

const webhookAgent = keepAlive(64)
let hashes = 0

export function postTrigger(conversation: Conversation, id: string) {
  return call(webhookAgent, 'POST', conversation.webhookUrl, trigger(id, `m-${++hashes}`))
}

/**
 * Opens a stream on each of `count` conversations; measures memory before and after. The
 * conversations are made without a call to the target (see Target.open), so the process is fresh
 * when measured: churn before the streams would leave freed pages for them to reuse, and RSS
 * would read low.
 */
export async function openStreams(
  target: Target,
  count: number,
  samples: number,
  conversationId: (c: Conversation, i: number) => string,
): Promise<StreamFigures & { readers: Reader[] }> {
  const conversations: Conversation[] = new Array(count)
  for (let i = 0; i < count; i++) conversations[i] = await target.open(i)
  await sleep(500)
  const before = await target.memory()
  const readers = conversations.map(() => newReader())
  await pool(count, 128, async (i) => {
    const c = conversations[i]!
    await connect(readers[i]!, c.eventsUrl, c.headers, clientAddress(i))
  })
  // Replayed backlog frames (the proxy's "queued") are in; what stays is the idle stream.
  await sleep(1000)
  const after = await target.memory()

  const times: number[] = []
  for (let s = 0; s < samples; s++) {
    const i = Math.floor(Math.random() * count)
    const reader = readers[i]!
    const c = conversations[i]!
    const started = performance.now()
    const arrived = new Promise<number>((resolve) => {
      reader.onFrame = (_id, at) => resolve(at)
    })
    const answer = await postTrigger(c, conversationId(c, i))
    if (answer.status !== 200) throw new Error(`webhook answered ${answer.status}: ${answer.body}`)
    const at = await arrived
    reader.onFrame = null
    times.push(at - started)
  }
  return {
    conversations,
    readers,
    streams: count,
    before,
    after,
    webhookToFrame: latency(times),
  }
}

export type Storm = {
  ms: number
  reconnectedMs: number
  resumed: number
  lost: number
  doubled: number
  count: number
}

/**
 * Every stream dropped at once; one new event per conversation is posted while they come back. Each
 * reader must then hold that event exactly once, and no event twice.
 */
export async function reconnectStorm(
  conversations: Conversation[],
  readers: Reader[],
  conversationId: (c: Conversation, i: number) => string,
): Promise<Storm> {
  const marks = readers.map((r) => r.ids.length)
  const started = performance.now()
  for (const reader of readers) drop(reader)
  const reconnecting = pool(readers.length, 256, async (i) => {
    const c = conversations[i]!
    for (let attempt = 0; ; attempt++) {
      try {
        await connect(readers[i]!, c.eventsUrl, c.headers, clientAddress(i))
        return
      } catch (error) {
        if (attempt >= 5) throw error
        await sleep(100 * (attempt + 1))
      }
    }
  })
  const posting = pool(conversations.length, 32, async (i) => {
    const answer = await postTrigger(conversations[i]!, conversationId(conversations[i]!, i))
    if (answer.status !== 200) throw new Error(`webhook answered ${answer.status}`)
  })
  let reconnectedMs = 0
  await Promise.all([
    reconnecting.then(() => {
      reconnectedMs = performance.now() - started
    }),
    posting,
  ])
  const deadline = Date.now() + 30_000
  const got = (i: number) => readers[i]!.ids.length - marks[i]!
  while (Date.now() < deadline && readers.some((_r, i) => got(i) < 1)) await sleep(20)
  const ms = performance.now() - started
  let lost = 0
  let doubled = 0
  readers.forEach((reader, i) => {
    if (got(i) < 1) lost++
    if (new Set(reader.ids).size !== reader.ids.length) doubled++
  })
  return {
    ms,
    reconnectedMs,
    resumed: readers.length - lost,
    lost,
    doubled,
    count: readers.length,
  }
}

export function closeStreams(readers: Reader[]) {
  for (const reader of readers) drop(reader)
}

export type Ingestion = {
  perSecond: number
  latency: Latency
  failed: number
  stored: number
  /** The target's CPU time per trigger: unlike the rate, it does not move with the load of the machine. */
  cpuMicrosPerTrigger: number
}

/** Webhook triggers as fast as `width` concurrent senders get answers, for `seconds`. */
export async function ingest(
  target: Target,
  conversations: Conversation[],
  { seconds, warmSeconds, width }: { seconds: number; warmSeconds: number; width: number },
  conversationId: (c: Conversation, i: number) => string,
): Promise<Ingestion> {
  let n = 0
  /** `width` senders as fast as answers come until `until`; what each call took, and the failures. */
  const send = async (until: number) => {
    const times: number[] = []
    let failed = 0
    const worker = async () => {
      while (performance.now() < until) {
        const i = n++ % conversations.length
        const c = conversations[i]!
        const t = performance.now()
        const answer = await postTrigger(c, conversationId(c, i))
        times.push(performance.now() - t)
        if (answer.status !== 200) failed++
      }
    }
    await Promise.all(Array.from({ length: width }, worker))
    return { times, failed }
  }
  // The same load unmeasured first: a server measured from its first call would be timed while
  // V8 still compiles its code, which a server that has been up for a minute has long done.
  await send(performance.now() + warmSeconds * 1000)
  const cpuBefore = await target.cpuMicros()
  const started = performance.now()
  const { times, failed } = await send(started + seconds * 1000)
  const elapsed = (performance.now() - started) / 1000
  const cpu = (await target.cpuMicros()) - cpuBefore
  return {
    cpuMicrosPerTrigger: cpu / times.length,
    perSecond: times.length / elapsed,
    latency: latency(times),
    failed,
    stored: times.length - failed,
  }
}
