/**
 * Property: whatever a client sends to any route (malformed JSON, wrong types, huge or empty
 * values, odd encodings, random bytes, random headers) the answer is a 2xx it earned or a 4xx in
 * the one error body; never a 5xx, never a crash.
 */
import fc from 'fast-check'
import type { LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { routes } from '../../protocol/wire.ts'
import { createDeliveries } from '../messages-left/delivery.ts'
import {
  type Harness,
  siteOrigin,
  startConversation,
  startHarness,
  webhookSecret,
} from '../testing/harness.ts'

let h: Harness
let visitor: Awaited<ReturnType<typeof startConversation>>
beforeAll(async () => {
  // Limits out of the way: the properties are about what any input gets, not about 429s.
  h = await startHarness({
    limits: { uploadsPerMinute: 100_000, typingPerMinute: 100_000, leaveMessagePerMinute: 10_000 },
    // Transcript requests on, so their bodies are read (nothing is delivered: the chat never ends).
    messagesLeft: createDeliveries({
      url: 'http://127.0.0.1:9/',
      secret: 's'.repeat(32),
      maxPending: 1,
    }),
    transcriptByEmail: true,
  })
  visitor = await startConversation(h.url)
})
afterAll(() => h.close())

const runs = { numRuns: 150 }

/** The answer is earned (2xx) or a client error in the house shape; anything else fails. */
function expectHandled(response: LightMyRequestResponse, what: string) {
  expect(response.statusCode, `${what}: ${response.body.slice(0, 200)}`).toBeLessThan(500)
  if (response.statusCode >= 400) {
    const body = response.json() as { code?: unknown; message?: unknown }
    expect(typeof body.code, what).toBe('string')
    expect(typeof body.message, what).toBe('string')
  }
}

/** Any JSON value, deep and wide, with odd strings (lone surrogates, NUL, RTL marks, emoji). */
const anyJson = fc.jsonValue({ maxDepth: 4 })
const oddText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.constantFrom('', ' ', '\u0000', '\ud800', '\u202e', '{"', '[]', 'null', '1e999', '{}}'),
)
const bodies = fc.oneof(
  anyJson.map((value) => ({ payload: JSON.stringify(value), type: 'application/json' })),
  oddText.map((text) => ({ payload: text, type: 'application/json' })),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => ({
    payload: Buffer.from(bytes),
    type: 'application/octet-stream',
  })),
  oddText.map((text) => ({ payload: text, type: 'text/plain' })),
  fc.record({ payload: oddText, type: fc.string({ maxLength: 40 }) }),
)

const visitorRoutes = () => [
  { method: 'POST' as const, url: routes.start },
  { method: 'POST' as const, url: routes.messages(visitor.conversationId) },
  { method: 'PUT' as const, url: routes.typing(visitor.conversationId) },
  { method: 'PUT' as const, url: routes.cleared(visitor.conversationId) },
  { method: 'PUT' as const, url: routes.rating(visitor.conversationId) },
  { method: 'POST' as const, url: routes.transcriptRequests(visitor.conversationId) },
  { method: 'DELETE' as const, url: routes.conversation(visitor.conversationId) },
  { method: 'POST' as const, url: `/webhooks/zchat/${webhookSecret}` },
]

describe('every route, fed anything', () => {
  it('answers bodies of any shape and type with a 2xx or a 4xx in the error body', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...visitorRoutes()), bodies, async (route, body) => {
        const response = await h.app.inject({
          ...route,
          payload: body.payload,
          headers: { ...visitor.headers, 'content-type': body.type },
        })
        expectHandled(response, `${route.method} ${route.url}`)
      }),
      runs,
    )
  })

  it('answers any upload (random bytes, names, types, broken multipart) with a 2xx or a 4xx', async () => {
    const upload = fc.oneof(
      // A well-formed form whose file is anything at all.
      fc
        .record({
          bytes: fc.uint8Array({ maxLength: 2000 }),
          name: fc.string({ maxLength: 80 }),
          type: fc.constantFrom('image/png', 'text/html', 'application/pdf', '', 'x/y'),
        })
        .map(async ({ bytes, name, type }) => {
          const form = new FormData()
          form.append('file', new Blob([new Uint8Array(bytes)], { type }), name || 'f')
          const request = new Request('http://x/', { method: 'POST', body: form })
          return {
            payload: Buffer.from(await request.arrayBuffer()),
            type: request.headers.get('content-type')!,
          }
        }),
      // Bytes that claim to be multipart.
      fc
        .record({
          bytes: fc.uint8Array({ maxLength: 500 }),
          boundary: fc.string({ maxLength: 30 }),
        })
        .map(async ({ bytes, boundary }) => ({
          payload: Buffer.from(bytes),
          type: `multipart/form-data; boundary=${boundary}`,
        })),
    )
    await fc.assert(
      fc.asyncProperty(upload, async (made) => {
        const { payload, type } = await made
        const response = await h.app.inject({
          method: 'POST',
          url: routes.uploads(visitor.conversationId),
          payload,
          headers: { ...visitor.headers, 'content-type': type },
        })
        expectHandled(response, 'POST uploads')
      }),
      { numRuns: 100 },
    )
  })

  it('answers any path, credential, Last-Event-ID and origin with a 4xx, never a 5xx', async () => {
    const segment = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.constantFrom(
        '%',
        '%zz',
        '..',
        '%2e%2e',
        '\u00ff',
        'a'.repeat(600),
        visitor.conversationId,
      ),
    )
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT'),
        fc.constantFrom(
          '/v1/conversations/',
          '/v1/history/',
          '/webhooks/zchat/',
          '/widget/',
          '/media/',
          '/v1/',
        ),
        segment,
        fc.constantFrom('', '/events', '/messages', '/typing', '/rating', '/finish'),
        fc.oneof(
          fc.constant(undefined),
          fc.string({ maxLength: 80 }).map((s) => `Bearer ${s}`),
        ),
        fc.oneof(fc.constant(undefined), fc.string({ maxLength: 20 })),
        fc.oneof(
          fc.constant(siteOrigin),
          fc.constant('https://evil.example'),
          fc.constant(undefined),
        ),
        async (method, prefix, id, suffix, authorization, lastEventId, origin) => {
          // A path that is a genuine stream with a genuine credential is not what this tests.
          if (suffix === '/events' && id === visitor.conversationId) return
          const headers: Record<string, string> = {}
          if (authorization !== undefined) headers.authorization = authorization
          if (lastEventId !== undefined) headers['last-event-id'] = lastEventId
          if (origin !== undefined) headers.origin = origin
          const response = await h.app.inject({
            method,
            url: `${prefix}${encodeURI(id).replaceAll('?', '%3F').replaceAll('#', '%23')}${suffix}`,
            headers,
            ...(method !== 'GET' && {
              payload: '{}',
              headers: { ...headers, 'content-type': 'application/json' },
            }),
          })
          expectHandled(response, `${method} ${prefix}${id}${suffix}`)
        },
      ),
      runs,
    )
  })
})
