import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { type Receiver, startReceiver } from '../testing/site-inbox.ts'
import { createFolderDeadLetters, type DeadLetters } from './dead-letters.ts'
import {
  createDeliveries,
  type DeliveryOptions,
  type DeliveryOutcome,
  defaultAttempts,
  defaultFirstRetryMs,
  type LeftMessage,
  retryDelay,
  type TranscriptRequested,
  verdictOf,
} from './delivery.ts'

const secret = 'the-site-secret-0123456789abcdefghij'
const message: LeftMessage = {
  id: 'd-1',
  receivedAt: '2025-03-01T12:00:00.000Z',
  email: 'ana@example.com',
  name: 'Ana',
  text: 'Do you ship to Recife?',
  page: { url: 'https://shop.example/cart' },
}

/** Everything the queue reports, and a way to wait until it has reported something. */
function watch() {
  const outcomes: DeliveryOutcome[] = []
  const logged: Array<{ level: 'warn' | 'error'; details: Record<string, unknown> }> = []
  let changed = () => {}
  return {
    outcomes,
    logged,
    options: {
      onOutcome: (outcome: DeliveryOutcome) => {
        outcomes.push(outcome)
        changed()
      },
      log: {
        warn: (details: object) => logged.push({ level: 'warn', details: { ...details } }),
        error: (details: object) => logged.push({ level: 'error', details: { ...details } }),
      },
    },
    until(outcome: DeliveryOutcome): Promise<DeliveryOutcome[]> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no ${outcome}; got ${outcomes.join(', ')}`)),
          5000,
        )
        changed = () => {
          if (!outcomes.includes(outcome)) return
          clearTimeout(timer)
          resolve(outcomes)
        }
        changed()
      })
    },
  }
}

let receiver: Receiver | null = null
let dir: string | null = null
afterEach(async () => {
  await receiver?.close()
  receiver = null
  if (dir) rmSync(dir, { recursive: true, force: true })
  dir = null
})

/** A dead-letter folder of the test's own. */
function folder(): DeadLetters {
  dir = mkdtempSync(join(tmpdir(), 'zchat-dead-letters-'))
  return createFolderDeadLetters({ dir, retentionMs: 60_000 })
}

function queue(url: string, w: ReturnType<typeof watch>, options: Partial<DeliveryOptions> = {}) {
  // Retries a few milliseconds apart: the schedule itself is checked in "retryDelay" below.
  return createDeliveries({
    url,
    secret,
    maxPending: 10,
    firstRetryMs: 2,
    ...w.options,
    ...options,
  })
}

/** What the log says of the message's content: nothing, ever (its id only). */
const personal = [message.email, message.name!, message.text, message.page!.url]
const mentionsVisitor = (logged: unknown) =>
  personal.some((value) => JSON.stringify(logged).includes(value))

describe('delivering a left message to the site', () => {
  it('POSTs it signed, retries after 500s and stops at the first 2xx', async () => {
    receiver = await startReceiver({ secret, statuses: [500, 500, 200] })
    const w = watch()
    const deliveries = queue(receiver.url, w)
    expect(deliveries.accept(message)).toBe(true)
    expect(await w.until('delivered')).toEqual(['retried', 'retried', 'delivered'])
    expect(receiver.received.map((r) => [r.signed, r.status])).toEqual([
      [true, 500],
      [true, 500],
      [true, 200],
    ])
    // The same delivery each time: a receiver dedupes on `id`.
    const bodies = new Set(receiver.received.map((r) => r.body))
    expect(bodies.size).toBe(1)
    expect(JSON.parse([...bodies][0]!)).toEqual({ type: 'message-left', ...message })
    expect(deliveries.pending()).toBe(0)
    expect(w.logged.filter((l) => l.level === 'error')).toEqual([])
  })

  it('gives up at once on a 4xx other than 408 or 429: kept as a dead letter, logged by id only', async () => {
    receiver = await startReceiver({ secret, statuses: [422] })
    const w = watch()
    const deadLetters = folder()
    const deliveries = queue(receiver.url, w, { deadLetters })
    deliveries.accept(message)
    expect(await w.until('rejected')).toEqual(['rejected'])
    await deliveries.drain(1000)
    expect(receiver.received).toHaveLength(1)
    expect(w.logged).toEqual([
      {
        level: 'error',
        details: { deliveryId: 'd-1', outcome: 'rejected', tries: 1, status: 422 },
      },
    ])
    expect(mentionsVisitor(w.logged)).toBe(false)
    expect(await deadLetters.list()).toEqual([
      {
        message,
        outcome: 'rejected',
        failedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        tries: 1,
        last: { status: 422 },
      },
    ])
    expect(deliveries.pending()).toBe(0)
  })

  it('gives up after the last attempt: kept as a dead letter, logged by id only', async () => {
    receiver = await startReceiver({ secret, statuses: [503, 429, 408] })
    const w = watch()
    const deadLetters = folder()
    const deliveries = queue(receiver.url, w, { attempts: 3, deadLetters })
    deliveries.accept(message)
    expect(await w.until('gave_up')).toEqual(['retried', 'retried', 'gave_up'])
    await deliveries.drain(1000)
    expect(receiver.received).toHaveLength(3)
    expect(w.logged.at(-1)).toEqual({
      level: 'error',
      details: { deliveryId: 'd-1', outcome: 'gave_up', tries: 3, status: 408 },
    })
    expect(mentionsVisitor(w.logged)).toBe(false)
    expect(await deadLetters.list()).toMatchObject([{ message, outcome: 'gave_up', tries: 3 }])
  })

  it('says a message is lost, by id, when there is nowhere to keep it', async () => {
    receiver = await startReceiver({ secret, statuses: [422] })
    const w = watch()
    const deliveries = queue(receiver.url, w, {
      deadLetters: { put: () => Promise.reject(new Error('disk full')) },
    })
    deliveries.accept(message)
    await w.until('rejected')
    await deliveries.drain(1000)
    expect(w.logged).toEqual([
      {
        level: 'error',
        details: expect.objectContaining({ deliveryId: 'd-1', err: expect.any(Error) }),
      },
    ])
    expect(mentionsVisitor(w.logged)).toBe(false)
  })

  it('delivers a transcript request with its own type, and logs one given up on without the transcript or the address', async () => {
    receiver = await startReceiver({ secret, statuses: [422] })
    const w = watch()
    const request: TranscriptRequested = {
      type: 'transcript-requested',
      id: 'd-2',
      receivedAt: '2025-03-01T12:00:00.000Z',
      conversationId: 'conv-1',
      email: 'ana@example.com',
      transcript: {
        messages: [{ at: '2025-03-01T11:59:00.000Z', author: 'visitor', text: 'My CPF is 1' }],
        dropped: 0,
        endedAt: '2025-03-01T11:59:30.000Z',
        rating: null,
      },
    }
    queue(receiver.url, w).accept(request)
    await w.until('rejected')
    expect(JSON.parse(receiver.received[0]!.body)).toEqual(request)
    expect(w.logged).toEqual([
      {
        level: 'error',
        details: expect.objectContaining({
          deliveryId: 'd-2',
          request: { type: 'transcript-requested', id: 'd-2', conversationId: 'conv-1' },
        }),
      },
    ])
  })

  it('retries when the site cannot be reached', async () => {
    receiver = await startReceiver({ secret })
    const unreachable = receiver.url
    await receiver.close()
    receiver = null
    const w = watch()
    queue(unreachable, w, { attempts: 2 }).accept(message)
    expect(await w.until('gave_up')).toEqual(['retried', 'gave_up'])
    expect(w.logged[0]?.details).toMatchObject({ failure: 'network', tries: 1 })
  })

  it('refuses a message when the queue is full, and takes one again once there is room', async () => {
    receiver = await startReceiver({ secret, hold: true })
    const w = watch()
    const deliveries = queue(receiver.url, w, { maxPending: 1 })
    expect(deliveries.accept(message)).toBe(true)
    await receiver.waitFor(1)
    expect(deliveries.accept({ ...message, id: 'd-2' })).toBe(false)
    expect(w.outcomes).toEqual(['refused'])
    receiver.release()
    await w.until('delivered')
    expect(deliveries.accept({ ...message, id: 'd-3' })).toBe(true)
  })
})

describe('draining on shutdown', () => {
  it('gives a message waiting for its retry one last try at once', async () => {
    receiver = await startReceiver({ secret, statuses: [500, 200] })
    const w = watch()
    // The retry would come a minute later: the drain must not wait for it.
    const deliveries = queue(receiver.url, w, { firstRetryMs: 60_000 })
    deliveries.accept(message)
    await w.until('retried')
    await deliveries.drain(5000)
    expect(w.outcomes).toEqual(['retried', 'delivered'])
    expect(receiver.received).toHaveLength(2)
    expect(deliveries.pending()).toBe(0)
    // Draining: no new work.
    expect(deliveries.accept({ ...message, id: 'd-2' })).toBe(false)
  })

  it('drops what is still unanswered when the time is up, into the dead letters', async () => {
    receiver = await startReceiver({ secret, hold: true })
    const w = watch()
    const deadLetters = folder()
    const deliveries = queue(receiver.url, w, { deadLetters })
    deliveries.accept(message)
    await receiver.waitFor(1)
    await deliveries.drain(50)
    expect(w.outcomes).toEqual(['dropped'])
    expect(w.logged).toEqual([
      {
        level: 'error',
        details: { deliveryId: 'd-1', outcome: 'dropped', tries: 1, failure: 'shutdown' },
      },
    ])
    expect(await deadLetters.list()).toMatchObject([
      { message, outcome: 'dropped', last: { failure: 'shutdown' } },
    ])
  })

  it('close drops what is pending into the dead letters, and waits until they are kept', async () => {
    receiver = await startReceiver({ secret, statuses: [500] })
    const w = watch()
    const deadLetters = folder()
    const deliveries = queue(receiver.url, w, { firstRetryMs: 60_000, deadLetters })
    deliveries.accept(message)
    await w.until('retried')
    await deliveries.close()
    expect(w.outcomes).toEqual(['retried', 'dropped'])
    expect(deliveries.pending()).toBe(0)
    expect(await deadLetters.list()).toMatchObject([{ message, outcome: 'dropped', tries: 1 }])
  })
})

describe('the schedule', () => {
  it('waits about 6 s, 24 s, 96 s and 384 s, within ±20%: the last try 7 to 10 minutes in', () => {
    const low = [1, 2, 3, 4].map((n) => retryDelay(n, defaultFirstRetryMs, () => 0))
    const high = [1, 2, 3, 4].map((n) => retryDelay(n, defaultFirstRetryMs, () => 1))
    expect(low).toEqual([4800, 19_200, 76_800, 307_200])
    expect(high).toEqual([7200, 28_800, 115_200, 460_800])
    expect(defaultAttempts).toBe(5)
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / 60_000
    expect(sum(low)).toBeGreaterThanOrEqual(6.8)
    expect(sum(high)).toBeLessThanOrEqual(10.2)
  })

  it('retries 408, 429 and 5xx; 2xx is done; other answers are refusals', () => {
    expect([200, 202, 204].map(verdictOf)).toEqual(['done', 'done', 'done'])
    expect([408, 429, 500, 502, 503].map(verdictOf)).toEqual(Array(5).fill('retry'))
    expect([301, 302, 400, 401, 404, 410, 422].map(verdictOf)).toEqual(Array(7).fill('refused'))
  })
})
