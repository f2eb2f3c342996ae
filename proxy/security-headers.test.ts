import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import helmet from 'helmet'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { helmetOptions, securityHeaders } from './security-headers.ts'
import { type Harness, siteOrigin, startHarness } from './testing/harness.ts'

/**
 * What helmet's own middleware puts on a real node:http answer, per request, as @fastify/helmet ran
 * it: the headers of an answer with helmet, less those of the same answer without.
 */
async function helmetOnARealAnswer() {
  const middleware = helmet({ ...helmetOptions })
  const server = createServer((req, res) => {
    if (req.url === '/plain') res.end()
    else middleware(req, res, () => res.end())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  try {
    const headersOf = async (path: string) =>
      Object.fromEntries((await fetch(`http://127.0.0.1:${port}${path}`)).headers)
    const [withHelmet, plain] = await Promise.all([headersOf('/helmet'), headersOf('/plain')])
    return Object.fromEntries(Object.entries(withHelmet).filter(([name]) => !(name in plain)))
  } finally {
    await new Promise((resolve) => server.close(resolve))
  }
}

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(() => h.close())

describe("helmet's headers, worked out once", () => {
  it('are the documents’ protections helmet gives, with no CSP and a cross-origin resource policy', async () => {
    const headers = securityHeaders()
    expect(headers).toEqual(await helmetOnARealAnswer())
    expect(headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'cross-origin-resource-policy': 'cross-origin',
      'referrer-policy': 'no-referrer',
    })
    expect(headers['strict-transport-security']).toMatch(/^max-age=\d+/)
    expect(headers).not.toHaveProperty('content-security-policy')
    expect(Object.isFrozen(headers)).toBe(true)
  })

  it('reach every answer a browser reads from the visitor API, errors and unknown paths included', async () => {
    const expected = securityHeaders()
    for (const request of [
      { method: 'GET' as const, url: '/v1/config' },
      { method: 'POST' as const, url: '/v1/conversations', payload: '{not json' },
      { method: 'GET' as const, url: '/no/such/path' },
    ]) {
      const response = await h.app.inject({
        ...request,
        headers: { origin: siteOrigin, 'content-type': 'application/json' },
      })
      expect(response.headers, `${request.method} ${request.url}`).toMatchObject(expected)
    }
  })

  it('stay off what only servers call: the webhook and the probes', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/healthz' })
    expect(response.statusCode).toBe(200)
    expect(response.headers).not.toHaveProperty('x-frame-options')
  })
})
