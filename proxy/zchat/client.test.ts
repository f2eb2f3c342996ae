import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createZChatClient,
  type ZChatCall,
  ZChatHttpError,
  ZChatNetworkError,
  ZChatResponseError,
  ZChatTimeoutError,
} from './client.ts'

/** A stand-in zChat that answers whatever the test sets, and records what it received. */
let answer: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end()
const received: Array<{ method: string; url: string; body: unknown }> = []
const server = createServer((req, res) => {
  let raw = ''
  req.on('data', (chunk) => {
    raw += chunk
  })
  req.on('end', () => {
    received.push({ method: req.method ?? '', url: req.url ?? '', body: JSON.parse(raw || 'null') })
    answer(req, res)
  })
})
let apiUrl = ''
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/core/api/v1/`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

const client = () => createZChatClient({ apiUrl, token: 'secret-token', timeoutMs: 300 })
const json = (status: number, body: unknown) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}

const startBody = (department: number) => ({
  department_id: department,
  media_type: 'TEXT' as const,
})

async function failure(call: Promise<unknown>): Promise<unknown> {
  try {
    await call
  } catch (error) {
    return error
  }
  throw new Error('expected a failure')
}

describe('zChat client', () => {
  it('puts the token in the JSON body of every call and answers with what zChat said', async () => {
    const created = {
      message: 'Interaction created successfully',
      data: { interaction_hash: '0000a-000b' },
    }
    answer = json(200, created)
    expect(await client().start({ ...startBody(3), customer: { name: 'Ana' } })).toEqual(created)
    expect(received.at(-1)).toEqual({
      method: 'POST',
      url: '/core/api/v1/interactions',
      body: {
        token: 'secret-token',
        department_id: 3,
        media_type: 'TEXT',
        customer: { name: 'Ana' },
      },
    })
    answer = (_req, res) => res.writeHead(200).end()
    await client().typing('a/b')
    expect(received.at(-1)).toMatchObject({
      method: 'PUT',
      url: '/core/api/v1/interactions/a%2Fb/typing',
      body: { token: 'secret-token' },
    })
  })

  it('classifies each kind of failure by type', async () => {
    answer = json(422, { message: 'Department inactive', status: 422 })
    const http = await failure(client().start(startBody(9)))
    expect(http).toBeInstanceOf(ZChatHttpError)
    expect(http).toMatchObject({ status: 422, upstreamMessage: 'Department inactive' })
    expect((http as Error).message).toContain('POST /interactions')

    answer = (_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>maintenance</html>')
    expect(await failure(client().start(startBody(1)))).toBeInstanceOf(ZChatResponseError)
    answer = json(200, { data: {} })
    expect(await failure(client().start(startBody(1)))).toBeInstanceOf(ZChatResponseError)
    answer = (_req, res) => res.writeHead(502).end('Bad gateway')
    expect(await failure(client().finish('h'))).toMatchObject({ status: 502 })

    answer = (_req, res) => setTimeout(() => res.writeHead(200).end(), 1000)
    expect(await failure(client().finish('h'))).toBeInstanceOf(ZChatTimeoutError)

    const down = createZChatClient({
      apiUrl: 'http://127.0.0.1:1/core/api/v1',
      token: 't',
      timeoutMs: 1000,
    })
    expect(await failure(down.finish('h'))).toBeInstanceOf(ZChatNetworkError)
  })

  it('keeps at most 200 characters of the error text from zChat', async () => {
    answer = json(500, { message: `${'x'.repeat(300)}END`, status: 500 })
    const http = (await failure(client().start(startBody(1)))) as ZChatHttpError
    expect(http.upstreamMessage).toBe(`${'x'.repeat(200)}…`)
    expect(http.message).not.toContain('END')
  })

  it('reports every call, successful or not, with its endpoint and outcome', async () => {
    const calls: ZChatCall[] = []
    const watched = (apiUrlOf = apiUrl) =>
      createZChatClient({
        apiUrl: apiUrlOf,
        token: 't',
        timeoutMs: 300,
        onCall: (call) => calls.push(call),
      })
    answer = json(201, { data: { interaction_hash: 'h' } })
    await watched().start(startBody(1))
    answer = (_req, res) => res.writeHead(200).end()
    await watched().typing('h')
    answer = json(404, { message: 'Interaction not found', status: 404 })
    await failure(watched().sendMessage('h', { content: 'hi', type: 'text' }))
    answer = (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html/>')
    await failure(watched().update('h', { mood: 'POSITIVE' }))
    answer = (_req, res) => setTimeout(() => res.writeHead(200).end(), 1000)
    await failure(watched().cleared('h'))
    await failure(watched('http://127.0.0.1:1/core/api/v1').finish('h'))

    expect(calls.map(({ endpoint, status }) => [endpoint, status])).toEqual([
      ['start', 201],
      ['typing', 200],
      ['message', 404],
      ['update', 'bad_response'],
      ['cleared', 'timeout'],
      ['finish', 'network'],
    ])
    const timedOut = calls.find((call) => call.status === 'timeout')!
    expect(timedOut.ms).toBeGreaterThanOrEqual(290)
  })
})

describe('the update token', () => {
  it('goes with the update call only, when zChat gives one apart', async () => {
    received.length = 0
    answer = json(200, { message: 'ok', status: 200 })
    const zchat = createZChatClient({
      apiUrl,
      token: 'api-token',
      updateToken: 'client-sdk-token',
      timeoutMs: 300,
    })
    await zchat.update('h', { mood: 'POSITIVE' })
    await zchat.typing('h')
    expect(received.map((r) => (r.body as { token: string }).token)).toEqual([
      'client-sdk-token',
      'api-token',
    ])
  })
})

describe('an answer too large to be one', () => {
  it('is refused without being read whole, declared or not', async () => {
    const huge = 'x'.repeat(300 * 1024)
    answer = json(200, { message: huge, status: 200 })
    expect(await failure(client().typing('h'))).toBeInstanceOf(ZChatResponseError)
    answer = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      // No Content-Length: chunked, and far longer than any zChat answer.
      for (let i = 0; i < 40; i++) res.write('x'.repeat(16 * 1024))
      res.end()
    }
    expect(await failure(client().finish('h'))).toBeInstanceOf(ZChatResponseError)
  })
})
