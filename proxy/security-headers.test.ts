import helmet from 'helmet'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { helmetOptions, securityHeaders } from './security-headers.ts'
import { type Harness, siteOrigin, startHarness } from './testing.ts'

/** What helmet's own middleware sets on a real answer, for comparison. */
function helmetPerRequest() {
  const set = new Map<string, string>()
  helmet({ ...helmetOptions })(
    {} as never,
    {
      setHeader: (name: string, value: unknown) => set.set(name.toLowerCase(), String(value)),
      removeHeader: (name: string) => set.delete(name.toLowerCase()),
    } as never,
    () => {},
  )
  return Object.fromEntries(set)
}

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(() => h.close())

describe("helmet's headers, worked out once", () => {
  it('are the documents’ protections helmet gives, with no CSP and a cross-origin resource policy', () => {
    const headers = securityHeaders()
    expect(headers).toEqual(helmetPerRequest())
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
