/**
 * One visitor of the soak, chatting at a person's pace through nginx, conversation after
 * conversation, with the emulator's agent answering: start, the event stream (reconnected with
 * Last-Event-ID whenever it ends, as the widget does), typing, messages, now and then a file, the
 * end (the visitor's or the agent's) and a rating. Calls are retried as the widget and its outbox
 * retry them: a message with the same clientId until it is taken. What each side sent and saw is
 * written to the conversation's record, which tally.ts checks against the emulator at the end.
 */
import { setTimeout as pause } from 'node:timers/promises'
import { routes } from '../../protocol/wire.ts'
import { samplePdf, samplePng } from '../../proxy/testing/harness.ts'
import { type Answer, type Client, type EventStream, StatusError } from '../testing/tls-client.ts'
import { soakSecrets } from './stack.ts'

/** What one conversation's two sides did and saw. */
export type Conversation = {
  id: string
  /** Texts of the visitor's messages the proxy took (2xx), in order. */
  acknowledged: string[]
  /** Texts the visitor gave up on (never taken within a minute of retries). */
  givenUp: string[]
  /** Texts the proxy refused with a 4xx (a mistake of the soak's, or the proxy's). */
  refused: string[]
  /** Texts of the agent's messages the emulator took, with when the agent sent each (ms). */
  agentSent: Map<string, number>
  /** Agent messages received on the stream, by text: how many times. */
  agentReceived: Map<string, number>
  /** Frame ids received more than once across reconnects. */
  repeatedFrames: number
  resets: number
  reconnects: number
  rated: boolean
}

export type Samples = {
  /** Round trip of every visitor call, by kind (start, message, typing, upload, finish, rating). */
  calls: Map<string, number[]>
  /** Agent's send (the emulator's control call) to the frame at the visitor, ms. */
  agentToFrame: number[]
  /** Answers other than success, by status (0: no answer, the connection failed). */
  failures: Map<number, number>
  /** The emulator's own answers to the agent's calls, ms: whether the stand-in kept up. */
  emulator: number[]
}

export type World = {
  client: Client
  emulatorUrl: string
  samples: Samples
  conversations: Conversation[]
  /** No new conversation, nor new messages, once this is past (performance.now()). */
  stopAt: number
}

const between = (low: number, high: number) => low + Math.random() * (high - low)
const chance = (p: number) => Math.random() < p

function count(map: Map<number, number>, key: number) {
  map.set(key, (map.get(key) ?? 0) + 1)
}

function sample(samples: Samples, kind: string, ms: number) {
  const list = samples.calls.get(kind) ?? []
  if (list.length === 0) samples.calls.set(kind, list)
  list.push(ms)
}

const retryable = (status: number) => status === 0 || status === 429 || status >= 500
/**
 * A start is never sent twice by the widget when its fate is unknown (each would be an interaction
 * for an agent): only a 429 or 503, which say nothing was done. Else the visitor tries later.
 */
const startRetryable = (status: number) => status === 429 || status === 503

/** Seconds of a Retry-After header, else null. */
function retryAfter(answer: Answer | null): number | null {
  const value = answer?.headers['retry-after']
  return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) * 1000 : null
}

/**
 * One call, tried again on 429, 5xx or a failed connection (Retry-After, else 0.3 s doubling to
 * 5 s) for up to a minute; the last answer, or null if none came at all.
 */
async function call(
  world: World,
  kind: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Buffer | string,
  again: (status: number) => boolean = retryable,
): Promise<Answer | null> {
  const giveUpAt = performance.now() + 60_000
  for (let attempt = 1; ; attempt++) {
    const started = performance.now()
    let answer: Answer | null = null
    try {
      answer = await world.client.call(method, path, {
        headers,
        ...(body !== undefined && { body }),
      })
    } catch {}
    sample(world.samples, kind, performance.now() - started)
    const status = answer?.status ?? 0
    if (retryable(status)) count(world.samples.failures, status)
    if (!again(status)) return answer
    const wait = retryAfter(answer) ?? Math.min(5000, 300 * 2 ** (attempt - 1))
    if (performance.now() + wait > giveUpAt) return answer
    await pause(wait)
  }
}

/** The agent's side, on the emulator's control API (zChat's agent console). */
async function agent(world: World, hash: string, action: string, body: object = {}) {
  const started = performance.now()
  const response = await fetch(`${world.emulatorUrl}/control/interactions/${hash}/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  await response.arrayBuffer()
  world.samples.emulator.push(performance.now() - started)
  return response.ok
}

type StreamData = { type: string; author?: string; text?: string }

/** Told of every frame a conversation's stream reads, across its reconnects. */
class Changes {
  stream: EventStream | null = null
  readonly #waiters = new Set<() => void>()
  notify() {
    for (const waiter of [...this.#waiters]) waiter()
  }
  /** Resolves once `check` holds, or after `ms` whatever it says. */
  until(check: () => boolean, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        this.#waiters.delete(waiter)
        resolve()
      }
      const waiter = () => {
        if (check()) done()
      }
      const timer = setTimeout(done, ms)
      this.#waiters.add(waiter)
      waiter()
    })
  }
}

/**
 * The conversation's event stream for as long as `open()` says, reconnecting as the widget does:
 * after the server's `retry:` (a draining proxy) or 0.5-2 s, with the last id seen.
 */
async function follow(
  world: World,
  conversation: Conversation,
  headers: Record<string, string>,
  keepOpen: () => boolean,
  changes: Changes,
) {
  const seen = new Set<number>()
  let lastId = 0
  while (keepOpen()) {
    let stream: EventStream
    try {
      stream = await world.client.stream(routes.events(conversation.id), {
        ...headers,
        accept: 'text/event-stream',
        ...(lastId > 0 && { 'last-event-id': String(lastId) }),
      })
    } catch (error) {
      count(world.samples.failures, error instanceof StatusError ? error.status : 0)
      await pause(between(500, 2000))
      continue
    }
    changes.stream = stream
    let read = 0
    const take = () => {
      for (; read < stream.frames.length; read++) {
        const frame = stream.frames[read]!
        if (seen.has(frame.id)) conversation.repeatedFrames++
        seen.add(frame.id)
        lastId = Math.max(lastId, frame.id)
        const data = frame.data as StreamData
        if (data.type === 'reset') conversation.resets++
        if (data.type !== 'message' || data.author !== 'agent' || !data.text) continue
        const times = (conversation.agentReceived.get(data.text) ?? 0) + 1
        conversation.agentReceived.set(data.text, times)
        const sentAt = conversation.agentSent.get(data.text)
        if (times === 1 && sentAt !== undefined) world.samples.agentToFrame.push(frame.at - sentAt)
      }
      changes.notify()
      return false
    }
    // waitFor's check runs on every frame and never holds: it reads each as it comes, until the end.
    await stream.waitFor(take, 24 * 60 * 60 * 1000).catch(() => {})
    take()
    changes.stream = null
    if (!keepOpen()) break
    conversation.reconnects++
    await pause(stream.retryMs ?? between(500, 2000))
  }
}

let uploadCount = 0

/** A file as a visitor might attach one: a small picture, a PDF, or a text of 10-300 KB. */
async function someFile(): Promise<{ bytes: Uint8Array; name: string; type: string }> {
  uploadCount++
  const pick = uploadCount % 3
  if (pick === 0) return { bytes: samplePng(), name: 'photo.png', type: 'image/png' }
  if (pick === 1) return { bytes: samplePdf(), name: 'invoice.pdf', type: 'application/pdf' }
  const size = Math.round(between(10_000, 300_000))
  return {
    bytes: Buffer.alloc(size, 'order 1234, size M\n'),
    name: 'notes.txt',
    type: 'text/plain',
  }
}

/** One conversation from start to rating; resolves once its stream has closed. */
export async function converse(world: World, name: string, serial: number): Promise<void> {
  const json = { 'content-type': 'application/json', origin: soakSecrets.origin }
  const started = await call(
    world,
    'start',
    'POST',
    routes.start,
    json,
    JSON.stringify({ department: 1 + (serial % 3), visitor: { name: `Visitor ${name}` } }),
    startRetryable,
  )
  if (started?.status !== 201) return
  const { conversationId, credential } = JSON.parse(String(started.body)) as {
    conversationId: string
    credential: string
  }
  const conversation: Conversation = {
    id: conversationId,
    acknowledged: [],
    givenUp: [],
    refused: [],
    agentSent: new Map(),
    agentReceived: new Map(),
    repeatedFrames: 0,
    resets: 0,
    reconnects: 0,
    rated: false,
  }
  world.conversations.push(conversation)
  const auth = { authorization: `Bearer ${credential}`, origin: soakSecrets.origin }
  let done = false
  const changes = new Changes()
  const following = follow(world, conversation, auth, () => !done, changes)
  const replies: Promise<void>[] = []
  const agentSays = async (text: string) => {
    const at = performance.now()
    if (await agent(world, conversationId, 'messages', { content: text }))
      conversation.agentSent.set(text, at)
  }

  // The agent picks the chat up after a moment in the queue.
  await pause(between(500, 3000))
  await agent(world, conversationId, 'accept', { agentName: 'Ana' })

  const messages = Math.round(between(3, 8))
  for (let n = 1; n <= messages && performance.now() < world.stopAt; n++) {
    await call(world, 'typing', 'PUT', routes.typing(conversationId), auth)
    await pause(between(3000, 10_000))
    const text = `visitor ${name}.${serial}.${n}`
    let upload: string | undefined
    if (chance(0.06)) {
      const file = await someFile()
      const form = new FormData()
      form.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name)
      const request = new Request('http://localhost/', { method: 'POST', body: form })
      const answer = await call(
        world,
        'upload',
        'POST',
        routes.uploads(conversationId),
        { ...auth, 'content-type': request.headers.get('content-type')! },
        Buffer.from(await request.arrayBuffer()),
      )
      if (answer?.status === 201)
        upload = (JSON.parse(String(answer.body)) as { uploadId: string }).uploadId
    }
    const sent = await call(
      world,
      'message',
      'POST',
      routes.messages(conversationId),
      { ...auth, 'content-type': 'application/json' },
      JSON.stringify({
        clientId: `client-${name}-${serial}-${n}`,
        text,
        ...(upload && { upload }),
      }),
    )
    if (sent?.status === 202) conversation.acknowledged.push(text)
    else if (sent && !retryable(sent.status)) conversation.refused.push(`${text} (${sent.status})`)
    else conversation.givenUp.push(text)
    // The agent reads it, types, answers (now and then twice).
    replies.push(
      (async () => {
        await pause(between(1000, 3000))
        if (chance(0.7)) await agent(world, conversationId, 'typing')
        await pause(between(1000, 3000))
        await agentSays(`agent ${name}.${serial}.${n}`)
        if (chance(0.25)) await agentSays(`agent ${name}.${serial}.${n}b`)
      })(),
    )
  }
  await Promise.all(replies)

  // Most visitors end the chat themselves; otherwise the agent does.
  if (chance(0.7)) await call(world, 'finish', 'PUT', routes.finish(conversationId), auth)
  else await agent(world, conversationId, 'finish')
  const rated = await call(
    world,
    'rating',
    'PUT',
    routes.rating(conversationId),
    { ...auth, 'content-type': 'application/json' },
    JSON.stringify({ mood: chance(0.8) ? 'positive' : 'negative' }),
  )
  // A 409: an earlier try was taken, its answer lost.
  conversation.rated = rated?.status === 204 || rated?.status === 409

  // The tab stays open until every agent message has arrived (a minute at most: then it is lost).
  const everything = () =>
    [...conversation.agentSent.keys()].every((text) => conversation.agentReceived.has(text))
  await changes.until(everything, 60_000)
  done = true
  changes.stream?.close()
  await following
}

/** A visitor at the site for the whole soak: one conversation after another, a pause between. */
export async function visit(world: World, name: string) {
  for (let serial = 1; performance.now() < world.stopAt; serial++) {
    await converse(world, name, serial)
    await pause(between(1000, 5000))
  }
}
