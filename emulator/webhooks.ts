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
  // Replaced on reset and close, so nothing from before reaches the receiver afterwards.
  let lifetime = new AbortController()

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
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
      })
      // Drain the answer so the connection can be reused; its content does not matter to zChat.
      await response.arrayBuffer()
      record({ body, status: response.status, error: null, at })
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
    reset(): void {
      lifetime.abort()
      lifetime = new AbortController()
      chains.clear()
      log.length = 0
    },
    async close(): Promise<void> {
      lifetime.abort()
      await Promise.allSettled([...chains.values()])
    },
  }
}
export type Webhooks = ReturnType<typeof createWebhooks>
