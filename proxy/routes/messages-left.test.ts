/**
 * A visitor leaves a message; the site's LEAVE_MESSAGE_URL (a real HTTP server on loopback that
 * checks the signature) receives it, after the retries its failures call for.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { routes } from '../../protocol/wire.ts'
import { createDeliveries, type DeliveryOutcome } from '../messages-left/delivery.ts'
import {
  type Harness,
  type ProductionHarness,
  siteOrigin,
  startHarness,
  startProduction,
} from '../testing/harness.ts'
import { type Receiver, startReceiver } from '../testing/site-inbox.ts'

const secret = 'the-site-secret-0123456789abcdefghij'
const left = {
  email: 'ana@example.com',
  name: 'Ana',
  text: 'Do you ship to Recife?',
  department: 1,
  page: { url: 'http://site.example/cart', title: 'Cart' },
  conversationId: 'abc123',
}

let h: Harness | null = null
let p: ProductionHarness | null = null
let receiver: Receiver | null = null
afterEach(async () => {
  await h?.close()
  await p?.close()
  await receiver?.close()
  h = p = receiver = null
})

function post(
  app: Harness['app'],
  payload: unknown,
  headers: Record<string, string> = {},
  from = '127.0.0.1',
) {
  return app.inject({
    method: 'POST',
    url: routes.messagesLeft,
    payload: payload as object,
    headers: { origin: siteOrigin, ...headers },
    remoteAddress: from,
  })
}

/** A queue to the receiver whose retries come milliseconds apart, and what it reports. */
function quickDeliveries(url: string, maxPending = 10) {
  const outcomes: DeliveryOutcome[] = []
  let changed = () => {}
  const deliveries = createDeliveries({
    url,
    secret,
    maxPending,
    firstRetryMs: 2,
    onOutcome: (outcome) => {
      outcomes.push(outcome)
      changed()
    },
  })
  const until = (outcome: DeliveryOutcome) =>
    new Promise<DeliveryOutcome[]>((resolve) => {
      changed = () => {
        if (outcomes.includes(outcome)) resolve(outcomes)
      }
      changed()
    })
  return { deliveries, outcomes, until }
}

describe('POST /v1/messages-left', () => {
  it('answers 202 at once, then the site receives the message signed, after two 500s', async () => {
    receiver = await startReceiver({ secret, statuses: [500, 500, 200] })
    const q = quickDeliveries(receiver.url)
    h = await startHarness({ messagesLeft: q.deliveries })
    const response = await post(h.app, left)
    expect(response.statusCode).toBe(202)
    const { id } = response.json<{ id: string }>()
    expect(id).toMatch(/^[0-9a-f-]{36}$/)
    expect(await q.until('delivered')).toEqual(['retried', 'retried', 'delivered'])
    expect(receiver.received.map((r) => [r.signed, r.status])).toEqual([
      [true, 500],
      [true, 500],
      [true, 200],
    ])
    expect(JSON.parse(receiver.received[2]!.body)).toEqual({
      type: 'message-left',
      id,
      receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      ...left,
    })
  })

  it('refuses invalid messages with 400 and says which field', async () => {
    receiver = await startReceiver({ secret })
    h = await startHarness({
      messagesLeft: quickDeliveries(receiver.url).deliveries,
      limits: { leaveMessagePerMinute: 100 },
    })
    const cases: Array<[unknown, string]> = [
      [{ text: 'Hi' }, 'email'],
      [{ email: 'not an address', text: 'Hi' }, 'email'],
      [{ email: 'ana@example.com' }, 'text'],
      [{ email: 'ana@example.com', text: '   ' }, 'text'],
      [{ email: 'ana@example.com', text: 'x'.repeat(4001) }, 'text'],
      [{ email: 'ana@example.com', text: 'Hi', name: 'n'.repeat(101) }, 'name'],
      [{ email: 'ana@example.com', text: 'Hi', page: { title: 'no url' } }, 'page.url'],
      [{ email: 'ana@example.com', text: 'Hi', phone: '123' }, '(body)'],
    ]
    for (const [payload, path] of cases) {
      const response = await post(h.app, payload)
      expect(response.statusCode, JSON.stringify(payload)).toBe(400)
      const body = response.json<{ code: string; details: Array<{ path: string }> }>()
      expect(body.code).toBe('VALIDATION_ERROR')
      expect(body.details.map((d) => d.path)).toContain(path)
    }
    expect(receiver.received).toEqual([])
  })

  it('refuses another site (Origin) with 403', async () => {
    receiver = await startReceiver({ secret })
    h = await startHarness({ messagesLeft: quickDeliveries(receiver.url).deliveries })
    const response = await post(h.app, left, { origin: 'https://evil.example' })
    expect(response.statusCode).toBe(403)
    expect(receiver.received).toEqual([])
  })

  it('slows one client down after LEAVE_MESSAGE_PER_MINUTE messages, with Retry-After', async () => {
    receiver = await startReceiver({ secret })
    const q = quickDeliveries(receiver.url)
    h = await startHarness({ messagesLeft: q.deliveries, limits: { leaveMessagePerMinute: 2 } })
    expect((await post(h.app, left)).statusCode).toBe(202)
    expect((await post(h.app, left)).statusCode).toBe(202)
    const limited = await post(h.app, left)
    expect(limited.statusCode).toBe(429)
    expect(limited.json()).toMatchObject({ code: 'RATE_LIMITED' })
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
    await receiver.waitFor(2)
    expect(receiver.received).toHaveLength(2)
  })

  it('holds the whole process to LEAVE_MESSAGE_PER_MINUTE_GLOBAL, whatever the addresses', async () => {
    receiver = await startReceiver({ secret })
    const q = quickDeliveries(receiver.url)
    h = await startHarness({
      messagesLeft: q.deliveries,
      limits: { leaveMessagePerMinute: 100, leaveMessagePerMinuteGlobal: 3 },
    })
    const answers = []
    for (let i = 1; i <= 5; i++) answers.push(await post(h.app, left, {}, `127.0.5.${i}`))
    expect(answers.map((a) => a.statusCode)).toEqual([202, 202, 202, 429, 429])
    expect(answers[3]!.json()).toMatchObject({
      code: 'RATE_LIMITED',
      message: expect.stringMatching(/messages are being left/),
    })
    const wait = Number(answers[3]!.headers['retry-after'])
    expect(wait).toBeGreaterThan(0)
    expect(wait).toBeLessThanOrEqual(60)
    await receiver.waitFor(3)
    expect(receiver.received).toHaveLength(3)
  })

  it('holds it to LEAVE_MESSAGE_PER_HOUR_GLOBAL too, with the hour’s Retry-After', async () => {
    receiver = await startReceiver({ secret })
    h = await startHarness({
      messagesLeft: quickDeliveries(receiver.url).deliveries,
      limits: { leaveMessagePerMinute: 100, leaveMessagePerHourGlobal: 2 },
    })
    const answers = []
    for (let i = 1; i <= 3; i++) answers.push(await post(h.app, left, {}, `127.0.6.${i}`))
    expect(answers.map((a) => a.statusCode)).toEqual([202, 202, 429])
    expect(Number(answers[2]!.headers['retry-after'])).toBeGreaterThan(60)
  })

  it('answers 503 with Retry-After while the delivery queue is full', async () => {
    receiver = await startReceiver({ secret, hold: true })
    const q = quickDeliveries(receiver.url, 1)
    h = await startHarness({ messagesLeft: q.deliveries })
    expect((await post(h.app, left)).statusCode).toBe(202)
    await receiver.waitFor(1)
    const full = await post(h.app, left)
    expect(full.statusCode).toBe(503)
    expect(full.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE' })
    expect(full.headers['retry-after']).toBe('60')
    receiver.release()
    await q.until('delivered')
    expect((await post(h.app, left)).statusCode).toBe(202)
  })

  it('gives back the global budget a message refused for a full queue took', async () => {
    receiver = await startReceiver({ secret, hold: true })
    const q = quickDeliveries(receiver.url, 1)
    h = await startHarness({
      messagesLeft: q.deliveries,
      limits: { leaveMessagePerMinute: 100, leaveMessagePerMinuteGlobal: 2 },
    })
    expect((await post(h.app, left)).statusCode).toBe(202)
    await receiver.waitFor(1)
    expect((await post(h.app, left)).statusCode).toBe(503)
    receiver.release()
    await q.until('delivered')
    expect((await post(h.app, left)).statusCode).toBe(202)
  })

  it('answers a clear 404 when LEAVE_MESSAGE_URL is not set', async () => {
    h = await startHarness()
    const response = await post(h.app, left)
    expect(response.statusCode).toBe(404)
    expect(response.json()).toEqual({
      code: 'NOT_FOUND',
      message: 'Leaving a message is not enabled on this chat server',
    })
  })
})

describe('left messages in the running proxy', () => {
  const metricsToken = 'metrics-token-0123456789abcdef'

  it('are delivered, counted in /metrics, and get a last try when the proxy drains', async () => {
    // The second message's first try fails; its retry is 6 s away, so only the drain can send it.
    receiver = await startReceiver({ secret, statuses: [200, 500, 200] })
    p = await startProduction({
      leaveMessage: { url: receiver.url, secret },
      metrics: { token: metricsToken },
    })
    const send = (text: string) =>
      fetch(`${p!.proxy.url}${routes.messagesLeft}`, {
        method: 'POST',
        headers: { origin: siteOrigin, 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'ana@example.com', text }),
      })
    expect((await send('first')).status).toBe(202)
    await receiver.waitFor(1)
    expect((await send('second')).status).toBe(202)
    await receiver.waitFor(2)
    // The count follows the site's answer, which the receiver has sent but the proxy may not have
    // read yet: scrape until it shows (each scrape is a round trip, not a sleep).
    const delivered = /^zchat_proxy_left_messages_total\{outcome="delivered"\} 1$/m
    let metrics = ''
    for (let i = 0; i < 50 && !delivered.test(metrics); i++) {
      const scrape = await fetch(`${p.proxy.url}/metrics`, {
        headers: { authorization: `Bearer ${metricsToken}` },
      })
      metrics = await scrape.text()
    }
    expect(metrics).toMatch(delivered)

    await p.proxy.drain()
    expect(receiver.received.map((r) => [JSON.parse(r.body).text, r.status])).toEqual([
      ['first', 200],
      ['second', 500],
      ['second', 200],
    ])
  })
})
