/**
 * A visitor's tab on its conversation's event stream, reconnecting as the widget does, and what the
 * two sides of the conversation did and saw (tally.ts checks it against the emulator at the end).
 */
import { setTimeout as pause } from 'node:timers/promises'
import { routes } from '../../protocol/wire.ts'
import { type EventStream, StatusError } from '../testing/tls-client.ts'
import { between, type Conversation, count, type World } from './calls.ts'

type StreamData = { type: string; author?: string; text?: string }

/** Told of every frame a conversation's stream reads, across its reconnects. */
export class Changes {
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
export async function follow(
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
