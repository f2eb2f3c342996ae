import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { routes } from '../protocol/wire.ts'
import { createLogger, describeRequest, requestLogger, writeRequestLine } from './logger.ts'
import {
  openStream,
  type ProductionHarness,
  startConversation,
  startProduction,
  testToken,
  webhookSecret,
} from './testing/harness.ts'
import { createTickets, createVisitors } from './visitors.ts'

type Line = Record<string, unknown> & { msg?: string; reqId?: string; level: number }

const metricsToken = 'metrics-token-0123456789abcdef'
const written: string[] = []
let p: ProductionHarness
let output = ''
let lines: Line[] = []
let credential = ''
const gatewayPage = `<html><body>${'<p>upstream connect error</p>'.repeat(50)}THE-END</body></html>`
const visitorText = 'My card number is 4111 1111 1111 1111'
const ticket = 'v1.eyJjIjoiYWJjIiwiZSI6MX0.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU'

/** Every kind of call, as production logs them, before the proxy is drained and the log read. */
beforeAll(async () => {
  p = await startProduction({
    metrics: { token: metricsToken },
    logDestination: { write: (line: string) => written.push(line) },
  })
  const { url } = p.proxy
  const as = (id: string, headers: Record<string, string> = {}) => ({
    'x-request-id': id,
    ...headers,
  })
  const visitor = await startConversation(url, as('start-1'))
  credential = visitor.credential
  const post = (path: string, id: string, body: object, headers: Record<string, string>) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: as(id, { 'content-type': 'application/json', ...headers }),
      body: JSON.stringify(body),
    })
  expect(
    (
      await post(
        `/webhooks/zchat/${webhookSecret}`,
        'hook-1',
        { interaction_hash: visitor.conversationId, state: 'accepted', extra: {} },
        {},
      )
    ).status,
  ).toBe(200)
  const message = (id: string) =>
    post(
      routes.messages(visitor.conversationId),
      id,
      { clientId: `client-${id}`, text: visitorText },
      visitor.headers,
    )
  expect((await message('visit-1')).status).toBe(202)
  await fetch(`${p.emulator.url}/control/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ failNext: { status: 500, count: 1, message: gatewayPage } }),
  })
  expect((await message('zchat-500')).status).toBe(502)
  expect((await fetch(`${url}/v1/history/${ticket}`, { headers: as('history-1') })).status).toBe(
    401,
  )
  const malformed = await fetch(`${url}/webhooks/zchat/%E0%A4%A${webhookSecret}`, {
    method: 'POST',
    headers: as('bad-url-1'),
  })
  expect(malformed.status).toBe(400)
  expect(malformed.headers.get('x-request-id')).toBe('bad-url-1')
  const scraped = await fetch(`${url}/metrics`, {
    headers: as('scrape-1', { authorization: `Bearer ${metricsToken}` }),
  })
  expect(scraped.status).toBe(200)
  const stream = await openStream(
    `${url}${routes.events(visitor.conversationId)}`,
    as('stream-1', visitor.headers),
  )
  await stream.waitFor((events) => events.some((e) => e.type === 'accepted'))
  stream.close()
  await vi.waitFor(() => {
    if (!written.some((line) => line.includes('"reqId":"stream-1"'))) throw new Error('not yet')
  })
  await p.close()
  output = written.join('')
  lines = written.map((line) => JSON.parse(line) as Line)
})
afterAll(() => p.close())

const completed = (reqId: string) =>
  lines.filter((line) => line.reqId === reqId && line.msg === 'request completed')

describe('the log', () => {
  it('has one JSON line per request: id, method, URL, status, time, client address', () => {
    expect(completed('start-1')).toEqual([
      expect.objectContaining({
        method: 'POST',
        url: '/v1/conversations',
        statusCode: 201,
        responseTime: expect.any(Number),
        ip: '127.0.0.1',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      }),
    ])
    for (const [reqId, statusCode] of [
      ['hook-1', 200],
      ['visit-1', 202],
      ['zchat-500', 502],
      ['history-1', 401],
      ['bad-url-1', 400],
      ['scrape-1', 200],
    ] as const) {
      expect(completed(reqId), reqId).toEqual([expect.objectContaining({ statusCode })])
    }
    // A stream ends when the visitor leaves: logged then, as cut short.
    expect(completed('stream-1')).toEqual([
      expect.objectContaining({ statusCode: 200, aborted: true }),
    ])
    // zChat's own webhook calls are logged the same way, each with an id of its own.
    const hooks = lines.filter(
      (line) => line.msg === 'request completed' && line.url === '/webhooks/zchat/***',
    )
    expect(hooks.length).toBeGreaterThanOrEqual(2)
    expect(new Set(hooks.map((line) => line.reqId)).size).toBe(hooks.length)
  })

  it('never holds a secret: the webhook secret, a credential, a ticket, the zChat or metrics token', () => {
    expect(output).toContain('/webhooks/zchat/***')
    expect(output).toContain('/v1/history/***')
    for (const secret of [webhookSecret, credential, ticket, testToken, metricsToken]) {
      expect(output).not.toContain(secret)
    }
    // Nor what visitors write: no bodies at info level.
    expect(output).not.toContain('4111')
  })

  it('keeps a zChat failure under the id of its request, the error text clipped', () => {
    const failure = lines.find((line) => line.reqId === 'zchat-500' && line.level >= 50)
    expect(failure).toBeDefined()
    expect(failure!.cause).toEqual(expect.stringContaining('zChat answered 500: <html>'))
    expect((failure!.cause as string).length).toBeLessThanOrEqual(201)
    expect(output).not.toContain('THE-END')
  })

  it('keeps a plain request id from the caller and replaces one that is not', async () => {
    const q = await startProduction()
    try {
      const plain = await fetch(`${q.proxy.url}/healthz`, {
        headers: { 'x-request-id': 'lb-7f3a.42' },
      })
      expect(plain.headers.get('x-request-id')).toBe('lb-7f3a.42')
      for (const unsafe of ['has spaces', 'x'.repeat(65), '{"level":60}']) {
        const replaced = await fetch(`${q.proxy.url}/healthz`, {
          headers: { 'x-request-id': unsafe },
        })
        expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
      }
    } finally {
      await q.close()
    }
  })

  it('describes a request without the secret segment of its path', () => {
    expect(describeRequest({ method: 'POST', url: `/webhooks/zchat/${webhookSecret}` }).url).toBe(
      '/webhooks/zchat/***',
    )
    expect(describeRequest({ method: 'GET', url: '/v1/history/v1.abc.def?x=1' }).url).toBe(
      '/v1/history/***?***',
    )
    // The absolute form of a request line, and a doubled slash, hide nothing either.
    for (const url of [
      `http://chat.example.com/webhooks/zchat/${webhookSecret}`,
      `//webhooks/zchat/${webhookSecret}`,
      `/WEBHOOKS/ZCHAT/${webhookSecret}`,
    ]) {
      expect(describeRequest({ method: 'POST', url }).url).not.toContain(webhookSecret)
    }
  })

  it('keeps no visitor’s words from a URL: a media path whole, any query', () => {
    // A file's name is the visitor's own words, a document's often their name and ID number.
    for (const url of [
      '/media/AbCdEfGhIjKlMnOpQrStUvWx/RG_Maria_123.456.789-00.pdf',
      '/media/AbCdEfGhIjKlMnOpQrStUvWx/RG_Maria_123.456.789-00.pdf?download=1',
      '//media//AbCdEfGhIjKlMnOpQrStUvWx/RG_Maria_123.456.789-00.pdf',
      '/MEDIA/AbCdEfGhIjKlMnOpQrStUvWx/RG_Maria_123.456.789-00.pdf',
      'http://chat.example.com/media/AbCdEfGhIjKlMnOpQrStUvWx/RG_Maria_123.456.789-00.pdf',
      '/media%2FAbCdEfGhIjKlMnOpQrStUvWx%2FRG_Maria_123.456.789-00.pdf',
    ]) {
      const { url: shown } = describeRequest({ method: 'GET', url })
      expect(shown, url).not.toMatch(/Maria|789|AbCdEf/)
      expect(shown, url).toMatch(/\/media(\/|%2F)\*\*\*$/i)
    }
    expect(
      describeRequest({ method: 'GET', url: '/v1/config?email=ana@example.com&name=Ana' }).url,
    ).toBe('/v1/config?***')
    expect(describeRequest({ method: 'POST', url: '/v1/conversations' }).url).toBe(
      '/v1/conversations',
    )
  })
})

describe('the last net', () => {
  it('scrubs a visitor credential or history ticket from any line, in either format', () => {
    const out: string[] = []
    const logger = createLogger({
      level: 'info',
      destination: { write: (line: string) => out.push(line) },
    })
    const secret = 'a-session-secret-of-32-characters!!'
    const given = [
      createVisitors(secret, 60_000).issue('conv-1').credential,
      createTickets(secret, 60_000).issue('conv-1').credential,
      // Issued before key ids, and still verified.
      'v1.eyJjIjoiY29udi0xIiwiZSI6MX0.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU',
    ]
    for (const credential of given) {
      logger.warn({ note: `refused ${credential} here` }, `refused Bearer ${credential}`)
    }
    expect(out).toHaveLength(given.length)
    for (const credential of given) expect(out.join('')).not.toContain(credential)
    expect(out[0]).toContain('refused [redacted] here')
  })
})

describe('a request line written by hand', () => {
  it('is the line pino writes for the same fields, secrets scrubbed alike', () => {
    const out: string[] = []
    const logger = createLogger({
      level: 'info',
      secrets: [webhookSecret],
      destination: { write: (line: string) => out.push(line) },
    })
    const request = {
      id: 'req-"quoted"-1',
      method: 'POST',
      url: `/v1/conversations/é\u2028x/${webhookSecret}`,
      ip: '::ffff:127.0.0.1',
    }
    writeRequestLine(requestLogger(logger, { reqId: request.id }, {}), request, {
      statusCode: 202,
      responseTime: 1.2345,
      aborted: true,
    })
    writeRequestLine(requestLogger(logger, {}, {}), request, { statusCode: 200 })
    // Through pino itself: the main logger, whose redaction finds nothing in these fields.
    logger.info(
      {
        reqId: request.id,
        method: 'POST',
        url: request.url,
        statusCode: 202,
        responseTime: 1.2,
        ip: request.ip,
        aborted: true,
      },
      'request completed',
    )
    logger.info(
      { reqId: request.id, method: 'POST', url: request.url, statusCode: 200, ip: request.ip },
      'request completed',
    )
    const timeless = (line: string) => line.replace(/"time":"[^"]+"/, '"time":"T"')
    expect(out).toHaveLength(4)
    expect(timeless(out[0]!)).toBe(timeless(out[2]!))
    expect(timeless(out[1]!)).toBe(timeless(out[3]!))
    expect(out[0]).not.toContain(webhookSecret)
    expect(JSON.parse(out[0]!)).toMatchObject({ level: 30, reqId: request.id, aborted: true })
  })

  it('is not written below the logger’s level', () => {
    const out: string[] = []
    const logger = createLogger({
      level: 'warn',
      destination: { write: (line: string) => out.push(line) },
    })
    writeRequestLine(
      requestLogger(logger, {}, {}),
      { id: 'r', method: 'GET', url: '/', ip: '' },
      {
        statusCode: 200,
      },
    )
    expect(out).toEqual([])
  })
})
