import { describe, expect, it, vi } from 'vitest'
import {
  HttpFailure,
  NetworkFailure,
  ReplyFailure,
  TimeoutFailure,
} from '../conversation/failure.ts'
import { createApi, parseRetryAfter } from './api.ts'

const base = 'https://proxy.test/chat'
const auth = { conversationId: 'c/1', credential: 'secret' }

type Call = { url: string; init: RequestInit }

function fakeFetch(reply: () => Response | Promise<Response>) {
  const calls: Call[] = []
  const fetch = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} })
    return reply()
  })
  return { fetch, calls }
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  })

describe('createApi', () => {
  it('starts a conversation without credentials and returns the reply', async () => {
    const reply = { conversationId: 'c1', credential: 'k', expiresAt: '2030-01-01T00:00:00Z' }
    const { fetch, calls } = fakeFetch(() => json(201, reply))
    const api = createApi(base, fetch)
    await expect(api.start({ department: 1 })).resolves.toEqual(reply)
    expect(calls[0]?.url).toBe(`${base}/v1/conversations`)
    expect(calls[0]?.init).toMatchObject({
      method: 'POST',
      body: '{"department":1}',
      credentials: 'omit',
    })
    expect(calls[0]?.init.headers).toEqual({ 'Content-Type': 'application/json' })
  })

  it('sends the credential as a bearer header, never in the URL', async () => {
    const { fetch, calls } = fakeFetch(() => json(202, { messageId: 'm', eventId: 3 }))
    const api = createApi(base, fetch)
    await api.send(auth, { clientId: 'client-1', text: 'Hi' })
    expect(calls[0]?.url).toBe(`${base}/v1/conversations/c%2F1/messages`)
    expect(calls[0]?.url).not.toContain('secret')
    expect(calls[0]?.init.headers).toMatchObject({ Authorization: 'Bearer secret' })
  })

  it('uses PUT with no body for typing, cleared and finish, and a JSON body for the rating', async () => {
    const { fetch, calls } = fakeFetch(() => new Response(null, { status: 204 }))
    const api = createApi(base, fetch)
    await api.typing(auth)
    await api.cleared(auth)
    await api.finish(auth)
    await api.rate(auth, { mood: 'positive', comment: 'great' })
    expect(calls.map((c) => `${c.init.method} ${c.url.slice(base.length)}`)).toEqual([
      'PUT /v1/conversations/c%2F1/typing',
      'PUT /v1/conversations/c%2F1/cleared',
      'PUT /v1/conversations/c%2F1/finish',
      'PUT /v1/conversations/c%2F1/rating',
    ])
    expect(calls[0]?.init.body).toBeNull()
    expect(calls[3]?.init.body).toBe('{"mood":"positive","comment":"great"}')
  })

  it("reads the proxy's config, and refuses one that is not", async () => {
    const config = { uploads: { maxBytes: 10, types: ['image/png'] } }
    const { fetch, calls } = fakeFetch(() => json(200, config))
    await expect(createApi(base, fetch).config()).resolves.toEqual(config)
    expect(calls[0]?.url).toBe(`${base}/v1/config`)
    expect(calls[0]?.init).toMatchObject({ method: 'GET', body: null, credentials: 'omit' })
    const off = fakeFetch(() => json(200, { uploads: null }))
    await expect(createApi(base, off.fetch).config()).resolves.toEqual({ uploads: null })
    for (const bad of [
      {},
      { uploads: { maxBytes: '10', types: [] } },
      { uploads: { maxBytes: 1, types: [1] } },
    ]) {
      const odd = fakeFetch(() => json(200, bad))
      await expect(createApi(base, odd.fetch).config()).rejects.toBeInstanceOf(ReplyFailure)
    }
  })

  it('throws an HttpFailure with status, code and Retry-After', async () => {
    const { fetch } = fakeFetch(() =>
      json(429, { code: 'RATE_LIMITED', message: 'slow down' }, { 'Retry-After': '7' }),
    )
    const error = await createApi(base, fetch)
      .typing(auth)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HttpFailure)
    expect(error).toMatchObject({
      status: 429,
      code: 'RATE_LIMITED',
      retryAfterMs: 7000,
      method: 'PUT',
    })
    expect(String(error)).toContain(`PUT ${base}/v1/conversations/c%2F1/typing`)
  })

  it('tolerates an error reply that is not JSON', async () => {
    const { fetch } = fakeFetch(() => new Response('<html>bad gateway</html>', { status: 502 }))
    const error = await createApi(base, fetch)
      .finish(auth)
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ status: 502, code: undefined })
  })

  it('throws a NetworkFailure when fetch itself fails', async () => {
    const fetch = vi.fn(async () => {
      throw new TypeError('Failed to fetch')
    })
    await expect(createApi(base, fetch).finish(auth)).rejects.toBeInstanceOf(NetworkFailure)
  })

  it('throws a TimeoutFailure when no reply comes in time', async () => {
    const fetch = vi.fn(
      (_url: string | URL | Request, init?: RequestInit) =>
        new Promise<Response>((_, reject) =>
          init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
        ),
    )
    await expect(createApi(base, fetch, 20).finish(auth)).rejects.toBeInstanceOf(TimeoutFailure)
  })

  it('throws a ReplyFailure when a 2xx reply breaks the protocol', async () => {
    const { fetch } = fakeFetch(() => json(201, { conversationId: 1 }))
    await expect(createApi(base, fetch).start({})).rejects.toBeInstanceOf(ReplyFailure)
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

describe('leaving a message', () => {
  it('POSTs it without credentials, and reports a full queue as a 503', async () => {
    const { fetch, calls } = fakeFetch(() => json(202, { id: 'd1' }))
    const api = createApi(base, fetch)
    await api.leaveMessage({ email: 'ana@example.com', text: 'Hi' })
    expect(calls[0]?.url).toBe(`${base}/v1/messages-left`)
    expect(calls[0]?.init).toMatchObject({
      method: 'POST',
      body: '{"email":"ana@example.com","text":"Hi"}',
    })
    expect(calls[0]?.init.headers).toEqual({ 'Content-Type': 'application/json' })

    const full = createApi(
      base,
      fakeFetch(() =>
        json(503, { code: 'SERVICE_UNAVAILABLE', message: 'full' }, { 'Retry-After': '60' }),
      ).fetch,
    )
    const error = await full.leaveMessage({ email: 'ana@example.com', text: 'Hi' }).catch((e) => e)
    expect(error).toBeInstanceOf(HttpFailure)
    expect(error).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE', retryAfterMs: 60_000 })
  })

  it('reads what the proxy lets visitors do', async () => {
    const config = { uploads: null, leaveMessage: false }
    const { fetch, calls } = fakeFetch(() => json(200, config))
    await expect(createApi(base, fetch).config()).resolves.toEqual(config)
    expect(calls[0]?.url).toBe(`${base}/v1/config`)
    expect(calls[0]?.init.method).toBe('GET')
  })
})
