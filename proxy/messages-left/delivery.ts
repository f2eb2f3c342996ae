/**
 * Delivers left messages to the site's LEAVE_MESSAGE_URL: a signed JSON POST each, retried with
 * exponential backoff and jitter. In memory and bounded: past `maxPending` a new message is refused
 * (the visitor is told to try again), so a site that is down cannot grow the proxy without limit.
 * At-least-once: an answer lost on the way back means a second delivery of the same `id`. What the
 * site never takes is kept as a dead letter (dead-letters.ts); the log gets its id, never its words.
 */
import type { MessageLeftBody } from '../../protocol/schemas.ts'
import type { Media, Mood } from '../../protocol/wire.ts'
import type { DeadLetter, DeadLetters } from './dead-letters.ts'
import { signatureHeader, signBody } from './signature.ts'

/** A message as the proxy accepted it: the visitor's fields, our id and when it arrived. */
export type LeftMessage = Omit<MessageLeftBody, 'captcha'> & { id: string; receivedAt: string }

/**
 * An ended chat's transcript its visitor asked for by e-mail (routes/transcript-requests.ts),
 * delivered the same way for the site to send; it carries its own `type`.
 */
export type TranscriptRequested = {
  type: 'transcript-requested'
  id: string
  receivedAt: string
  conversationId: string
  email: string
  language?: string
  timeZone?: string
  transcript: {
    messages: Array<{
      at: string
      author: 'visitor' | 'agent'
      agentName?: string
      text: string
      media?: Media
    }>
    /** Older messages the proxy let go (its caps), before the first one here. */
    dropped: number
    endedAt: string | null
    rating: Mood | null
  }
}

/** What is delivered to the site. */
export type Delivery = LeftMessage | TranscriptRequested

/** The JSON the site receives: typed, so a receiver can tell it from kinds added later. */
export function deliveryBody(message: Delivery): string {
  return JSON.stringify('type' in message ? message : { type: 'message-left', ...message })
}

/** What a transcript request given up on is logged as: never the transcript or the address. */
function deadLetter(message: TranscriptRequested): object {
  return { type: message.type, id: message.id, conversationId: message.conversationId }
}

/**
 * What became of a delivery attempt or message: delivered (2xx), retried (one attempt failed, another
 * is scheduled), rejected (the site refused it: a 4xx other than 408/429, or a redirect), gave_up (every
 * attempt failed), dropped (shutdown came first), refused (the queue was full: never accepted).
 */
export type DeliveryOutcome =
  | 'delivered'
  | 'retried'
  | 'rejected'
  | 'gave_up'
  | 'dropped'
  | 'refused'

export type DeliveryLog = {
  warn(details: object, message: string): void
  error(details: object, message: string): void
}

export type DeliveryOptions = {
  url: string
  secret: string
  /** Messages waiting for delivery at most (LEAVE_MESSAGE_MAX_PENDING). */
  maxPending: number
  /** Tries per message, the first included. */
  attempts?: number
  /** The wait before the first retry; each later one is 4 times longer, all within ±20%. */
  firstRetryMs?: number
  /** How long the site may take to answer one attempt. */
  timeoutMs?: number
  fetch?: typeof fetch
  now?: () => number
  random?: () => number
  log?: DeliveryLog
  onOutcome?(outcome: DeliveryOutcome): void
  /** Where what the site never took is kept for the operator; unset, it is lost (logged by id). */
  deadLetters?: Pick<DeadLetters, 'put'> | null
}

export type Deliveries = {
  /** Queues a message and starts its first attempt; false when the queue is full or closing. */
  accept(message: Delivery): boolean
  /** Messages not yet delivered, given up or dropped. */
  pending(): number
  /**
   * Shutdown: takes no more, gives every waiting message one last attempt now, and waits for the
   * attempts in flight; whatever is still going after `withinMs` is cut short and dropped (kept as
   * a dead letter).
   */
  drain(withinMs: number): Promise<void>
  /** Stops at once: timers cleared, attempts cut, what was pending dropped (kept as dead letters). */
  close(): Promise<void>
}

/** How long the site may take to answer one attempt, by default. */
export const defaultTimeoutMs = 10_000

/** 5 attempts, waits of about 6 s, 24 s, 96 s and 384 s: the last try 8.5 minutes in (7 to 10). */
export const defaultAttempts = 5
export const defaultFirstRetryMs = 6000

/** The wait before retry number `retry` (1 = the first retry). */
export function retryDelay(retry: number, firstMs: number, random: () => number): number {
  return Math.round(firstMs * 4 ** (retry - 1) * (0.8 + 0.4 * random()))
}

/** 2xx: done. 408, 429 and 5xx: try again later. Anything else (other 4xx, 3xx): the site refuses. */
export function verdictOf(status: number): 'done' | 'retry' | 'refused' {
  if (status >= 200 && status < 300) return 'done'
  return status === 408 || status === 429 || status >= 500 ? 'retry' : 'refused'
}

/** What one attempt came to: the site's status, or why there was none. */
export type Attempt = NonNullable<DeadLetter['last']>

/** Where deliveries go and how they are signed. */
export type DeliveryTarget = {
  url: string
  secret: string
  /** How long the site may take to answer. */
  timeoutMs: number
  fetch?: typeof fetch
  now?: () => number
}

/** One signed POST of `body` to the site; `stop` aborted means shutdown. */
export async function postDelivery(
  { url, secret, timeoutMs, fetch: fetchFn = fetch, now = Date.now }: DeliveryTarget,
  body: string,
  stop?: AbortSignal,
): Promise<Attempt> {
  const timeout = AbortSignal.timeout(timeoutMs)
  try {
    const response = await fetchFn(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'zchat-proxy',
        [signatureHeader]: signBody(secret, body, Math.floor(now() / 1000)),
      },
      body,
      // A redirect would turn the POST into a GET elsewhere: the URL must be the final one.
      redirect: 'manual',
      signal: stop ? AbortSignal.any([stop, timeout]) : timeout,
    })
    await response.body?.cancel().catch(() => {})
    return { status: response.status }
  } catch {
    // The cause is the signals' state, not the error's text.
    if (stop?.aborted) return { failure: 'shutdown' }
    return { failure: timeout.aborted ? 'timeout' : 'network' }
  }
}

type Job = {
  message: Delivery
  body: string
  tries: number
  timer: ReturnType<typeof setTimeout> | null
  running: Promise<void> | null
}

const silent: DeliveryLog = { warn() {}, error() {} }

export function createDeliveries(options: DeliveryOptions): Deliveries {
  const {
    url,
    secret,
    maxPending,
    attempts = defaultAttempts,
    firstRetryMs = defaultFirstRetryMs,
    timeoutMs = defaultTimeoutMs,
    fetch: fetchFn = fetch,
    now = Date.now,
    random = Math.random,
    log = silent,
    onOutcome = () => {},
    deadLetters = null,
  } = options
  const jobs = new Set<Job>()
  /** Dead letters being written: drain and close wait for them. */
  const keeping = new Set<Promise<void>>()
  const stop = new AbortController()
  let draining = false
  let closed = false

  const target = { url, secret, timeoutMs, fetch: fetchFn, now }
  const post = (job: Job) => postDelivery(target, job.body, stop.signal)

  function finish(
    job: Job,
    outcome: Exclude<DeliveryOutcome, 'retried' | 'refused'>,
    result?: Attempt,
  ): void {
    jobs.delete(job)
    onOutcome(outcome)
    if (outcome === 'delivered') return
    // The id only: the message is the visitor's email, name and words (docs/security.md#logs-and-personal-data).
    const details = { deliveryId: job.message.id, outcome, tries: job.tries, ...result }
    const what =
      outcome === 'rejected'
        ? 'LEAVE_MESSAGE_URL refused a left message; not retrying'
        : 'a left message could not be delivered to LEAVE_MESSAGE_URL'
    // A transcript request is not kept: the proxy still holds the transcript (unless its visitor
    // erased it since), and the visitor can ask again.
    if ('type' in job.message) {
      log.error(
        { ...details, request: deadLetter(job.message) },
        'a transcript request could not be delivered to LEAVE_MESSAGE_URL',
      )
      return
    }
    if (!deadLetters) {
      log.error(details, `${what}; it is lost (no dead letters kept)`)
      return
    }
    const letter: DeadLetter = {
      message: job.message,
      outcome,
      failedAt: new Date(now()).toISOString(),
      tries: job.tries,
      ...(result && { last: result }),
    }
    const kept = deadLetters.put(letter).then(
      () => log.error(details, `${what}; kept as a dead letter`),
      (error: unknown) =>
        log.error({ ...details, err: error }, `${what}, nor kept as a dead letter: it is lost`),
    )
    keeping.add(kept)
    void kept.finally(() => keeping.delete(kept))
  }

  async function attempt(job: Job, last: boolean): Promise<void> {
    job.timer = null
    job.tries++
    const result = await post(job)
    if (closed) return
    const verdict = 'status' in result ? verdictOf(result.status) : 'retry'
    if (verdict === 'done') return finish(job, 'delivered')
    if (verdict === 'refused') return finish(job, 'rejected', result)
    if (job.tries >= attempts) return finish(job, 'gave_up', result)
    if (last || draining) return finish(job, 'dropped', result)
    onOutcome('retried')
    const wait = retryDelay(job.tries, firstRetryMs, random)
    log.warn(
      { deliveryId: job.message.id, tries: job.tries, ...result, retryInMs: wait },
      'LEAVE_MESSAGE_URL did not take a left message; retrying',
    )
    job.timer = setTimeout(() => run(job, false), wait)
    job.timer.unref()
  }

  function run(job: Job, last: boolean): void {
    job.running = attempt(job, last).finally(() => {
      job.running = null
    })
  }

  return {
    accept(message) {
      if (draining) return false
      if (jobs.size >= maxPending) {
        onOutcome('refused')
        return false
      }
      const job: Job = {
        message,
        body: deliveryBody(message),
        tries: 0,
        timer: null,
        running: null,
      }
      jobs.add(job)
      run(job, false)
      return true
    },
    pending: () => jobs.size,
    async drain(withinMs) {
      draining = true
      for (const job of jobs) {
        if (job.timer === null) continue
        clearTimeout(job.timer)
        run(job, true)
      }
      const cut = setTimeout(() => stop.abort(), withinMs)
      try {
        await Promise.all([...jobs].map((job) => job.running))
      } finally {
        clearTimeout(cut)
      }
      await Promise.all(keeping)
    },
    async close() {
      if (!closed) {
        draining = true
        closed = true
        stop.abort()
        for (const job of jobs) {
          if (job.timer) clearTimeout(job.timer)
          finish(job, 'dropped')
        }
      }
      await Promise.all(keeping)
    },
  }
}
