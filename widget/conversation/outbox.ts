/**
 * Sends the visitor's messages one at a time, in order, so the agent reads them as written. A message
 * that fails transiently is retried (its clientId makes that idempotent at the proxy); one that keeps
 * failing, or is refused, is marked failed and waits for the visitor's Retry. Until there is a
 * conversation to send to (the start call has not answered yet) messages just wait: the model
 * flushes again once it has one.
 */
import type { MessageReply } from '../../protocol/schemas.ts'
import { classify, type FailureKind, retryAfter } from './failure.ts'
import type { VisitorEntry } from './transcript.ts'

export type OutboxDeps = {
  /** There is a conversation to post to; `post` is only called while this is true. */
  ready(): boolean
  /** Messages waiting to be sent, oldest first. */
  pending(): VisitorEntry[]
  post(entry: VisitorEntry): Promise<MessageReply>
  sent(clientId: string, messageId: string): void
  /** Gave up on it for now: `error` says why (the visitor is told, and offered Retry). */
  failed(clientId: string, error: unknown): void
  /** The browser says it is offline: no point retrying until it is back. */
  offline?(): boolean
  /** The conversation cannot take messages any more (gone or finished). */
  halted(kind: Extract<FailureKind, 'gone' | 'finished'>): void
  attempts?: number
  delayMs?: number
}

export type Outbox = { flush(): void; stop(): void }

export function createOutbox(deps: OutboxDeps): Outbox {
  const { attempts = 3, delayMs = 1_000 } = deps
  let running = false
  let stopped = false
  /** Ends the wait before a retry at once: stop() leaves no timer behind (`zchat('destroy')`). */
  let wake = () => {}

  async function deliver(entry: VisitorEntry): Promise<'ok' | 'halt'> {
    for (let attempt = 1; ; attempt++) {
      if (!deps.ready()) return 'halt'
      try {
        const reply = await deps.post(entry)
        if (!stopped) deps.sent(entry.clientId, reply.messageId)
        return 'ok'
      } catch (error) {
        if (stopped) return 'halt'
        const kind = classify(error)
        if (kind === 'gone' || kind === 'finished') {
          deps.halted(kind)
          return 'halt'
        }
        if (kind === 'rejected' || attempt >= attempts || deps.offline?.()) {
          deps.failed(entry.clientId, error)
          return 'ok'
        }
        const wait =
          kind === 'busy' ? (retryAfter(error) ?? delayMs * 2) : delayMs * 2 ** (attempt - 1)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait)
          wake = () => {
            clearTimeout(timer)
            resolve()
          }
        })
        if (stopped) return 'halt'
      }
    }
  }

  async function drain(): Promise<void> {
    running = true
    try {
      for (let next = deps.pending()[0]; next && !stopped; next = deps.pending()[0]) {
        if ((await deliver(next)) === 'halt') break
      }
    } finally {
      running = false
    }
  }

  return {
    flush() {
      if (!running && !stopped && deps.ready()) void drain()
    },
    stop() {
      stopped = true
      wake()
    },
  }
}
