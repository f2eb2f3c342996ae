/**
 * Trigger delivery: POSTed to the account's one webhook URL, asynchronously, in order per
 * interaction (each interaction has its own chain, so a slow receiver for one does not hold up
 * another), and recorded so tests can see what zChat would have sent and what came back.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Faults } from './faults.ts'
import type { MessageTrigger, StateTrigger } from './schemas.ts'

export type Delivery = {
  body: StateTrigger | MessageTrigger
  status: number | null
  error: string | null
  at: string
}

export type WebhookOptions = {
  webhookUrl: () => string | undefined
  faults: () => Faults
  timeoutMs: number
}

// A long manual session should not grow the log without bound.
const logLimit = 1000

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && error.name === 'TimeoutError') {
    return `Timed out after ${timeoutMs} ms`
  }
  const cause =
    error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : ''
  return error instanceof Error ? `${error.message}${cause}` : String(error)
}

/** The same trigger with fields a sloppier sender might write: still readable by a liberal receiver. */
export function oddly(body: Delivery['body']): unknown {
  const extra = Object.keys(body.extra).length === 0 ? [] : body.extra
  if ('message' in body) return { ...body, extra }
  return {
    ...body,
    state: body.state.toUpperCase(),
    ...(body.position != null && { position: String(body.position) }),
    extra,
  }
}

export function createWebhooks({ webhookUrl, faults, timeoutMs }: WebhookOptions) {
  const chains = new Map<string, Promise<void>>()
  const log: Delivery[] = []
  // Replaced on reset: a trigger from before a reset is not sent after it, nor logged.
  let lifetime = new AbortController()
  // Aborted on close only: it also cuts a POST already on the wire. A reset instead waits for
  // such a POST, because cutting it would not unsend it: the receiver may have the whole body
  // and act on it after the reset has answered.
  const closing = new AbortController()

  function record(delivery: Delivery): void {
    log.push(delivery)
    if (log.length > logLimit) log.splice(0, log.length - logLimit)
  }

  async function deliverOnce(body: Delivery['body'], signal: AbortSignal): Promise<void> {
    const delay = faults().webhookDelayMs
    if (delay > 0) await sleep(delay, undefined, { signal })
    if (signal.aborted) return
    const at = new Date().toISOString()
    const url = webhookUrl()
    if (!url) {
      record({ body, status: null, error: 'No webhook URL configured', at })
      return
    }
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'zchat-emulator' },
        body: JSON.stringify(faults().oddTriggers ? oddly(body) : body),
        signal: AbortSignal.any([closing.signal, AbortSignal.timeout(timeoutMs)]),
      })
      // Drain the answer so the connection can be reused; its content does not matter to zChat.
      await response.arrayBuffer()
      if (!signal.aborted) record({ body, status: response.status, error: null, at })
    } catch (error) {
      if (!signal.aborted)
        record({ body, status: null, error: describeFailure(error, timeoutMs), at })
    }
  }

  async function deliver(body: Delivery['body'], signal: AbortSignal): Promise<void> {
    const copies = faults().duplicateWebhooks ? 2 : 1
    for (let copy = 0; copy < copies; copy += 1) await deliverOnce(body, signal)
  }

  return {
    /** Returns at once; the POST happens after everything already queued for this interaction. */
    send(hash: string, body: Delivery['body']): void {
      const signal = lifetime.signal
      const previous = chains.get(hash) ?? Promise.resolve()
      const next = previous.then(() => deliver(body, signal)).catch(() => {})
      chains.set(hash, next)
      void next.then(() => {
        if (chains.get(hash) === next) chains.delete(hash)
      })
    },
    log: (): Delivery[] => log,
    /**
     * Drops what is still queued and resolves once the POSTs already on the wire are answered (at
     * most `timeoutMs`), so nothing sent before the reset reaches the receiver after it.
     */
    async reset(): Promise<void> {
      const inFlight = [...chains.values()]
      lifetime.abort()
      lifetime = new AbortController()
      chains.clear()
      log.length = 0
      await Promise.allSettled(inFlight)
    },
    async close(): Promise<void> {
      lifetime.abort()
      closing.abort()
      await Promise.allSettled([...chains.values()])
    },
  }
}
export type Webhooks = ReturnType<typeof createWebhooks>
