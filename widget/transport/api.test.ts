import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  classify,
  HttpFailure,
  NetworkFailure,
  ReplyFailure,
  refusalOf,
  TimeoutFailure,
} from '../conversation/failure.ts'
import { createApi, parseRetryAfter, type RetryPolicy, retryPolicy } from './api.ts'

const auth = { conversationId: 'c/1', credential: 'secret' }

type Seen = {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: string
  at: number
}
type Answer = { status: number; body?: unknown; headers?: Record<string, string> } | 'hang'

/**
 * A real HTTP server standing in for the proxy: it answers each request with the next scripted
 * answer (the last one repeats) and records what it was sent.
 */
const seen: Seen[] = []
let answers: Answer[] = []
const hanging: ServerResponse[] = []
const server = createServer((req, res) => {
  let body = ''
  req.on('data', (chunk: Buffer) => {
    body += chunk.toString()
  })
  req.on('end', () => {
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body,
      at: Date.now(),
    })
    const answer = answers.length > 1 ? answers.shift() : answers[0]
    if (!answer || answer === 'hang') return void hanging.push(res)
    const text =
      answer.body === undefined
        ? ''
        : typeof answer.body === 'string'
          ? answer.body
          : JSON.stringify(answer.body)
    res.writeHead(answer.status, {
      ...(typeof answer.body === 'object' && { 'Content-Type': 'application/json' }),
      ...answer.headers,
    })
    res.end(text)
  })
})
let base = ''

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/chat`
})
afterAll(async () => {
  for (const res of hanging) res.destroy()
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})
beforeEach(() => {
  seen.length = 0
  answers = []
})

/** Retries as in the browser, but 10 ms apart when the proxy names no wait, and never offline. */
const quick: RetryPolicy = { ...retryPolicy, delayMs: () => 10, offline: () => false }
const api = (timeoutMs = 10_000, policy = quick) => createApi(base, fetch, timeoutMs, policy)
const reply = (status: number, body?: unknown, headers?: Record<string, string>) => {
  answers.push({ status, body, ...(headers && { headers }) })
}
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (e: unknown) => e,
  )

describe('createApi', () => {
  it('starts a conversation without credentials and returns the reply', async () => {
    const started = { conversationId: 'c1', credential: 'k', expiresAt: '2030-01-01T00:00:00Z' }
    reply(201, started)
    await expect(api().start({ department: 1 })).resolves.toEqual(started)
    expect(seen).toHaveLength(1)
    expect(seen[0]).toMatchObject({
      method: 'POST',
      url: '/chat/v1/conversations',
      body: '{"department":1}',
    })
    expect(seen[0]?.headers['content-type']).toBe('application/json')
    expect(seen[0]?.headers.authorization).toBeUndefined()
    expect(seen[0]?.headers.cookie).toBeUndefined()
  })

  it('sends the credential as a bearer header, never in the URL', async () => {
    reply(202, { messageId: 'm', eventId: 3 })
    await expect(api().send(auth, { clientId: 'client-1', text: 'Hi' })).resolves.toEqual({
      messageId: 'm',
      eventId: 3,
    })
    expect(seen[0]?.url).toBe('/chat/v1/conversations/c%2F1/messages')
    expect(seen[0]?.url).not.toContain('secret')
    expect(seen[0]?.headers.authorization).toBe('Bearer secret')
    expect(seen[0]?.body).toBe('{"clientId":"client-1","text":"Hi"}')
  })

  it('uses PUT with no body for typing, cleared and finish, and a JSON body for the rating', async () => {
    reply(204)
    const calls = api()
    await calls.typing(auth)
    await calls.cleared(auth)
    await calls.finish(auth)
    await calls.rate(auth, { mood: 'positive', comment: 'great' })
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'PUT /chat/v1/conversations/c%2F1/typing',
      'PUT /chat/v1/conversations/c%2F1/cleared',
      'PUT /chat/v1/conversations/c%2F1/finish',
      'PUT /chat/v1/conversations/c%2F1/rating',
    ])
    expect(seen[0]?.body).toBe('')
    expect(seen[3]?.body).toBe('{"mood":"positive","comment":"great"}')
  })

  it('erases with DELETE, retried as it may go twice; asks for the transcript once, with its body', async () => {
    reply(503, { code: 'SERVICE_UNAVAILABLE', message: 'busy' })
    reply(200, { conversations: 1, events: 3, messages: 2, files: 0 })
    await api().erase(auth)
    expect(seen.map((s) => `${s.method} ${s.url} ${s.headers.authorization}`)).toEqual([
      'DELETE /chat/v1/conversations/c%2F1 Bearer secret',
      'DELETE /chat/v1/conversations/c%2F1 Bearer secret',
    ])
    seen.length = 0
    answers = []
    reply(503, { code: 'SERVICE_UNAVAILABLE', message: 'busy' })
    const asked = await failure(api().requestTranscript(auth, { email: 'ana@example.com' }))
    expect(asked).toBeInstanceOf(HttpFailure)
    expect(seen.map((s) => `${s.method} ${s.url} ${s.body}`)).toEqual([
      'POST /chat/v1/conversations/c%2F1/transcript-requests {"email":"ana@example.com"}',
    ])
  })

  it("reads the proxy's config, and refuses one that is not", async () => {
    const config = { uploads: { maxBytes: 10, types: ['image/png'] }, leaveMessage: false }
    reply(200, config)
    await expect(api().config()).resolves.toEqual(config)
    expect(seen[0]).toMatchObject({ method: 'GET', url: '/chat/v1/config', body: '' })
    for (const bad of [
      {},
      { uploads: { maxBytes: '10', types: [] } },
      { uploads: { maxBytes: 1, types: [1] } },
    ]) {
      answers = [{ status: 200, body: bad }]
      await expect(api().config()).rejects.toBeInstanceOf(ReplyFailure)
    }
  })

  it('throws a ReplyFailure when a 2xx reply breaks the protocol', async () => {
    reply(201, { conversationId: 1 })
    await expect(api().start({})).rejects.toBeInstanceOf(ReplyFailure)
    answers = [{ status: 201, body: { conversationId: 'c', credential: 'k' } }]
    await expect(api().start({})).rejects.toBeInstanceOf(ReplyFailure)
    answers = [{ status: 201, body: { messageId: 'm1', eventId: '7' } }]
    await expect(api().send(auth, { clientId: 'client-1', text: 'Hi' })).rejects.toBeInstanceOf(
      ReplyFailure,
    )
  })
})

describe('when the proxy is busy (429 with Retry-After)', () => {
  it('waits the Retry-After out and tries again, so a short limit never shows', async () => {
    reply(429, { code: 'RATE_LIMITED', message: 'slow down' }, { 'Retry-After': '1' })
    reply(204)
    await api().typing(auth)
    expect(seen).toHaveLength(2)
    // Without Retry-After a 429 goes again after 10 ms (the policy's delay): the proxy's second is
    // what it waited.
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(950)
  })

  it('fails at once past the longest wait, with the seconds the visitor is asked to wait', async () => {
    reply(429, { code: 'RATE_LIMITED', message: 'slow down' }, { 'Retry-After': '7' })
    const error = await failure(api().send(auth, { clientId: 'client-1', text: 'Hi' }))
    expect(seen).toHaveLength(1)
    expect(error).toBeInstanceOf(HttpFailure)
    expect(error).toMatchObject({
      status: 429,
      code: 'RATE_LIMITED',
      retryAfterMs: 7000,
      method: 'POST',
    })
    expect(classify(error)).toBe('busy')
    expect(String(error)).toContain(`POST ${base}/v1/conversations/c%2F1/messages`)
  })
})

describe('when the proxy or zChat fails (5xx)', () => {
  it('retries a message, which the proxy keeps once per clientId, and it goes through', async () => {
    reply(502, { code: 'UPSTREAM_ERROR', message: 'zChat failed' })
    reply(202, { messageId: 'm', eventId: 4 })
    await expect(api().send(auth, { clientId: 'client-1', text: 'Hi' })).resolves.toEqual({
      messageId: 'm',
      eventId: 4,
    })
    expect(seen.map((s) => s.body)).toEqual([
      '{"clientId":"client-1","text":"Hi"}',
      '{"clientId":"client-1","text":"Hi"}',
    ])
  })

  it('gives up after the retries with the status and code: "could not send, retry"', async () => {
    reply(502, { code: 'UPSTREAM_ERROR', message: 'zChat failed' })
    const error = await failure(api().finish(auth))
    expect(seen).toHaveLength(1 + quick.limit)
    expect(error).toBeInstanceOf(HttpFailure)
    expect(error).toMatchObject({ status: 502, code: 'UPSTREAM_ERROR' })
    expect(classify(error)).toBe('retryable')
  })

  it('does not try again a failure that asks for a wait past the longest, whatever its status', async () => {
    reply(500, { code: 'INTERNAL_ERROR', message: 'down' }, { 'Retry-After': '10' })
    const error = await failure(api().typing(auth))
    expect(seen).toHaveLength(1)
    expect(error).toMatchObject({ status: 500, retryAfterMs: 10_000 })
  })

  it('never starts a conversation twice, nor leaves a message twice', async () => {
    reply(503, { code: 'SERVICE_UNAVAILABLE', message: 'full' }, { 'Retry-After': '1' })
    expect(await failure(api().start({}))).toMatchObject({ status: 503, retryAfterMs: 1000 })
    expect(
      await failure(api().leaveMessage({ email: 'ana@example.com', text: 'Hi' })),
    ).toMatchObject({
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
    })
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'POST /chat/v1/conversations',
      'POST /chat/v1/messages-left',
    ])
  })

  it('tolerates an error reply that is not JSON', async () => {
    reply(500, '<html>bad gateway</html>')
    const error = await failure(api(10_000, { ...quick, limit: 0 }).finish(auth))
    expect(error).toBeInstanceOf(HttpFailure)
    expect(error).toMatchObject({ status: 500, code: undefined, reason: undefined })
  })
})

describe('when the proxy refuses (4xx)', () => {
  it("carries the proxy's code and reason, and does not retry", async () => {
    reply(422, { code: 'VALIDATION_ERROR', message: 'department 9 is not allowed' })
    const error = await failure(api().start({ department: 9 }))
    expect(seen).toHaveLength(1)
    expect(error).toBeInstanceOf(HttpFailure)
    expect(error).toMatchObject({
      status: 422,
      code: 'VALIDATION_ERROR',
      reason: 'department 9 is not allowed',
    })
    expect(String(error)).toContain(
      `POST ${base}/v1/conversations: HTTP 422 VALIDATION_ERROR: department 9 is not allowed`,
    )
    expect(classify(error)).toBe('rejected')
  })

  it('carries the field refused: a message whose file the proxy no longer has', async () => {
    reply(422, {
      code: 'UNPROCESSABLE',
      message: 'This file is no longer available; please attach it again',
      details: [{ path: 'upload', message: 'Unknown or expired upload' }],
    })
    const error = await failure(api().send(auth, { clientId: 'c-1', text: '', upload: 'u-1' }))
    expect(seen).toHaveLength(1)
    expect(error).toMatchObject({ status: 422, code: 'UNPROCESSABLE', field: 'upload' })
    expect(refusalOf(error)).toBe('file-gone')
  })

  it('has no field when the details are not what the error body promises', async () => {
    for (const details of [[], 'upload', [{ path: 7 }], [null]]) {
      reply(422, { code: 'UNPROCESSABLE', message: 'no', details })
      expect(await failure(api().finish(auth))).toMatchObject({ status: 422, field: undefined })
    }
  })

  it('does not retry a gone conversation (401) either', async () => {
    reply(401, { code: 'UNAUTHORIZED', message: 'credential expired' })
    expect(classify(await failure(api().typing(auth)))).toBe('gone')
    expect(seen).toHaveLength(1)
  })
})

describe('when no answer comes', () => {
  it('throws a TimeoutFailure when the proxy takes longer than the timeout', async () => {
    answers = ['hang']
    const error = await failure(api(100).finish(auth))
    expect(error).toBeInstanceOf(TimeoutFailure)
    expect(String(error)).toContain(
      `PUT ${base}/v1/conversations/c%2F1/finish: no reply within 100 ms`,
    )
    expect(classify(error)).toBe('retryable')
  })

  it("ends a call at the chat's destroy(), and asks nothing again, nor anything after", async () => {
    answers = ['hang']
    const destroyed = new AbortController()
    const chat = createApi(base, fetch, 10_000, quick, destroyed.signal)
    const call = failure(chat.typing(auth))
    await vi.waitFor(() => expect(seen).toHaveLength(1))
    destroyed.abort()
    const error = await call
    expect(error).toBeInstanceOf(NetworkFailure)
    expect(await failure(chat.cleared(auth))).toBeInstanceOf(NetworkFailure)
    expect(seen).toHaveLength(1)
  })

  it('throws a NetworkFailure when the connection is refused, without retrying while offline', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const { port } = closed.address() as AddressInfo
    await new Promise((resolve) => closed.close(resolve))
    let attempts = 0
    const counted: typeof fetch = (input, init) => {
      attempts++
      return fetch(input, init)
    }
    const offline = createApi(`http://127.0.0.1:${port}`, counted, 10_000, {
      ...quick,
      offline: () => true,
    })
    const error = await failure(offline.send(auth, { clientId: 'client-1', text: 'Hi' }))
    expect(error).toBeInstanceOf(NetworkFailure)
    expect(classify(error)).toBe('retryable')
    expect(attempts).toBe(1)

    attempts = 0
    const online = createApi(`http://127.0.0.1:${port}`, counted, 10_000, quick)
    expect(await failure(online.typing(auth))).toBeInstanceOf(NetworkFailure)
    expect(attempts).toBe(1 + quick.limit)
  })
})

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3000)
    expect(parseRetryAfter('Thu, 01 Jan 2030 00:00:10 GMT', Date.UTC(2030, 0, 1))).toBe(10_000)
    expect(parseRetryAfter(null)).toBeUndefined()
    expect(parseRetryAfter('soon')).toBeUndefined()
  })
})
