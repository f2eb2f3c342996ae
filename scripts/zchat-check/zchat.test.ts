/**
 * The check's reading of zChat's answers against the proxy's own client: the same answers, served
 * over loopback, must be read the same way by both, or the check would judge what the proxy does
 * not do.
 */
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createZChatClient,
  ZChatHttpError,
  ZChatNetworkError,
  ZChatResponseError,
  ZChatTimeoutError,
} from '../../proxy/zchat/client.ts'
import { sendMessageResponse, startResponse, statusResponse } from '../../proxy/zchat/schemas.ts'
import { createCaller, type Outcome, readAnswer } from './zchat.ts'

type Answer = { status: number; type?: string; body: string } | 'hang'

let answer: Answer = { status: 200, body: '{}' }
const held: ServerResponse[] = []
const server = createServer((req, res) => {
  req.resume()
  req.on('end', () => {
    if (answer === 'hang') return void held.push(res)
    res.writeHead(answer.status, { 'content-type': answer.type ?? 'application/json' })
    res.end(answer.body)
  })
})
let apiUrl = ''
/** Generous for answers on a busy machine; short where no answer ever comes. */
const timeoutFor = (given: Answer) => (given === 'hang' ? 300 : 10_000)

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/core/api/v1`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

type Kind = Pick<Outcome, 'kind'> & { status?: number }

/** What the proxy's client made of it, in the check's terms. */
async function proxyReading(
  url: string,
  call: 'start' | 'message' | 'typing',
  timeoutMs = 10_000,
): Promise<Kind> {
  const client = createZChatClient({ apiUrl: url, token: 't', timeoutMs })
  try {
    if (call === 'start') await client.start({ department_id: 1, media_type: 'TEXT' })
    else if (call === 'message') await client.sendMessage('h', { content: 'x', type: 'text' })
    else await client.typing('h')
    return { kind: 'ok' }
  } catch (error) {
    if (error instanceof ZChatHttpError) return { kind: 'refused', status: error.status }
    if (error instanceof ZChatResponseError) return { kind: 'unreadable' }
    if (error instanceof ZChatTimeoutError) return { kind: 'timeout' }
    if (error instanceof ZChatNetworkError) return { kind: 'network' }
    throw error
  }
}

const schemas = { start: startResponse, message: sendMessageResponse, typing: statusResponse }

async function checkReading(
  url: string,
  call: 'start' | 'message' | 'typing',
  timeoutMs = 10_000,
): Promise<Kind> {
  const seen = await createCaller(url, timeoutMs)('POST', '/interactions', { token: 't' })
  const outcome = readAnswer(seen, schemas[call])
  return outcome.kind === 'refused'
    ? { kind: 'refused', status: outcome.status }
    : { kind: outcome.kind }
}

const started = '{"message":"Interaction created successfully","data":{"interaction_hash":"h"}}'
const cases: [string, 'start' | 'message' | 'typing', Answer, Kind][] = [
  ['a documented start', 'start', { status: 200, body: started }, { kind: 'ok' }],
  ['a 201 start', 'start', { status: 201, body: started }, { kind: 'ok' }],
  [
    'a start without data',
    'start',
    { status: 200, body: '{"message":"ok"}' },
    { kind: 'unreadable' },
  ],
  ['an empty start', 'start', { status: 200, body: '' }, { kind: 'unreadable' }],
  ['an empty typing', 'typing', { status: 200, body: '' }, { kind: 'ok' }],
  ['a 204 typing', 'typing', { status: 204, body: '' }, { kind: 'ok' }],
  [
    'a documented typing',
    'typing',
    { status: 200, body: '{"message":"ok","status":200}' },
    { kind: 'ok' },
  ],
  ['a message with data', 'message', { status: 200, body: started }, { kind: 'ok' }],
  [
    'an HTML 200',
    'message',
    { status: 200, type: 'text/html', body: '<html><body>Service unavailable</body></html>' },
    { kind: 'unreadable' },
  ],
  [
    'an HTML 502',
    'message',
    { status: 502, type: 'text/html', body: '<html></html>' },
    { kind: 'refused', status: 502 },
  ],
  [
    'a documented 422',
    'message',
    { status: 422, body: '{"message":"no","status":422}' },
    { kind: 'refused', status: 422 },
  ],
  [
    'a 200 saying 422',
    'message',
    { status: 200, body: '{"message":"no","status":422}' },
    { kind: 'refused', status: 422 },
  ],
  [
    'a 200 saying "404"',
    'typing',
    { status: 200, body: '{"message":"gone","status":"404"}' },
    { kind: 'refused', status: 404 },
  ],
  [
    'a 404 with another shape',
    'typing',
    { status: 404, body: '{"error":"x"}' },
    { kind: 'refused', status: 404 },
  ],
  ['no answer', 'typing', 'hang', { kind: 'timeout' }],
]

describe("the check reads zChat's answers as the proxy's client does", () => {
  it.each(cases)('%s', async (_name, call, given, expected) => {
    answer = given
    expect(await proxyReading(apiUrl, call, timeoutFor(given))).toEqual(expected)
    expect(await checkReading(apiUrl, call, timeoutFor(given))).toEqual(expected)
  })

  it('no server at all', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/core/api/v1`
    await new Promise((resolve) => closed.close(resolve))
    expect(await proxyReading(url, 'typing')).toEqual({ kind: 'network' })
    expect(await checkReading(url, 'typing')).toEqual({ kind: 'network' })
    const seen = await createCaller(url, 10_000)('PUT', '/x', {})
    expect(seen).toMatchObject({ kind: 'network', reason: expect.stringMatching(/^ECONNREFUSED/) })
  })
})
