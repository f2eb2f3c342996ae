/**
 * Trigger delivery to the account's one "Webhook URL" (docs/zchat/seed/clientapi-v1.md#clientapi-v1:
 * "Add your URL at 'Webhook URL' to receive the trigger events"), recorded so tests can see what
 * zChat would have sent and what came back.
 *
 * Seed silent, and the emulator's choices: the method and headers (a POST of the JSON shown in
 * docs/zchat/seed/clientapi-v1.md#triggers, `content-type: application/json`); timing
 * (asynchronously, after the API has answered; `queuedBeforeAnswer` for the other order); order (in
 * order per interaction: each interaction has its own chain, so a slow receiver for one does not
 * hold up another); a timeout of `timeoutMs` (5 s); and the receiver's answer, which is ignored
 * (`webhookRetries` tries a failed delivery again). Duplicates, delays and odd fields are faults.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Faults } from './faults.ts'
import type { MessageTrigger, StateTrigger } from './schemas.ts'

export type Delivery = {
  body: StateTrigger | MessageTrigger
  status: number | null
  error: string | null
  at: string
  /** 1 for the first try of a trigger; more when `webhookRetries` tried it again. */
  attempt: number
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

  /** One POST; true when the receiver answered 2xx. */
  async function deliverOnce(
    body: Delivery['body'],
    signal: AbortSignal,
    attempt: number,
  ): Promise<boolean> {
    const delay = faults().webhookDelayMs
    if (delay > 0) await sleep(delay, undefined, { signal })
    if (signal.aborted) return true
    const at = new Date().toISOString()
    const url = webhookUrl()
    if (!url) {
      record({ body, status: null, error: 'No webhook URL configured', at, attempt })
      return false
    }
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'zchat-emulator' },
        body: JSON.stringify(faults().oddTriggers ? oddly(body) : body),
        signal: AbortSignal.any([closing.signal, AbortSignal.timeout(timeoutMs)]),
      })
      // Drained so the connection can be reused; only the status is read, and only for retries.
      await response.arrayBuffer()
      // A reset came while it was on the wire: not logged, and never tried again.
      if (signal.aborted) return true
      record({ body, status: response.status, error: null, at, attempt })
      return response.status >= 200 && response.status <= 299
    } catch (error) {
      if (signal.aborted) return true
      record({ body, status: null, error: describeFailure(error, timeoutMs), at, attempt })
      return false
    }
  }

  /** A trigger, tried again while it fails and `webhookRetries` allows. */
  async function deliverWithRetries(body: Delivery['body'], signal: AbortSignal): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      if (await deliverOnce(body, signal, attempt)) return
      if (attempt > faults().webhookRetries) return
      await sleep(faults().webhookRetryDelayMs, undefined, { signal })
    }
  }

  async function deliver(body: Delivery['body'], signal: AbortSignal): Promise<void> {
    const copies = faults().duplicateWebhooks ? 2 : 1
    for (let copy = 0; copy < copies; copy += 1) await deliverWithRetries(body, signal)
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
    /** Settles once every trigger queued so far for `hash` was delivered or given up. */
    idle: (hash: string): Promise<void> => chains.get(hash) ?? Promise.resolve(),
    /** Settles once every trigger queued so far, for every interaction, was delivered or given up. */
    async settle(): Promise<void> {
      await Promise.allSettled([...chains.values()])
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
