/**
 * Attack: many addresses starting conversation after conversation. Each start is a zChat
 * interaction an agent must handle: the process has a budget per minute, and a site may ask for a
 * CAPTCHA that the proxy checks with the provider before zChat hears anything.
 */
import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { routes } from '../../protocol/wire.ts'
import { type Harness, siteOrigin, startHarness } from '../testing/harness.ts'

const interactions = async (h: Harness) =>
  ((await (await fetch(`${h.emulator.url}/control/interactions`)).json()) as unknown[]).length

const startFrom = (h: Harness, address: string, body: object = { department: 1 }) =>
  h.app.inject({
    method: 'POST',
    url: routes.start,
    payload: body,
    headers: { origin: siteOrigin },
    remoteAddress: address,
  })

describe('STARTS_PER_MINUTE_GLOBAL', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness({ limits: { startsPerMinuteGlobal: 5, startsPerMinute: 100 } })
  })
  afterAll(() => h.close())

  it('caps new conversations for the whole process, whatever the addresses', async () => {
    const answers = []
    for (let i = 1; i <= 8; i++) answers.push(await startFrom(h, `127.0.1.${i}`))
    expect(answers.map((a) => a.statusCode)).toEqual([201, 201, 201, 201, 201, 429, 429, 429])
    const refused = answers[5]!
    expect(refused.json()).toMatchObject({ code: 'RATE_LIMITED' })
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0)
    expect(await interactions(h)).toBe(5)
  })
})

describe('CAPTCHA_PROVIDER', () => {
  let h: Harness
  let verifier: Server
  const asked: URLSearchParams[] = []
  let verifierUp = true

  beforeAll(async () => {
    // The provider's siteverify, as Turnstile and hCaptcha answer it.
    verifier = createServer(async (request, response) => {
      let body = ''
      for await (const chunk of request) body += String(chunk)
      const form = new URLSearchParams(body)
      asked.push(form)
      if (!verifierUp) return response.writeHead(503).end()
      // A good token was solved on the site's page; a farmed one on another site's.
      const token = form.get('response')
      response.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          success: token === 'good-token' || token === 'farmed-token',
          hostname: token === 'farmed-token' ? 'evil.example' : 'site.example',
        }),
      )
    })
    verifier.listen(0, '127.0.0.1')
    await once(verifier, 'listening')
    const { port } = verifier.address() as AddressInfo
    h = await startHarness({
      captcha: {
        provider: 'turnstile',
        secret: 'captcha-secret',
        verifyUrl: `http://127.0.0.1:${port}/siteverify`,
      },
    })
  })
  afterAll(async () => {
    await h.close()
    verifier.close()
  })

  it('refuses a start without a token, or with one the provider refuses; zChat hears nothing', async () => {
    const none = await startFrom(h, '127.0.2.1')
    expect(none.statusCode).toBe(403)
    expect(none.json()).toMatchObject({ code: 'FORBIDDEN', message: /verification/ })
    const bad = await startFrom(h, '127.0.2.2', { department: 1, captcha: 'made-up' })
    expect(bad.statusCode).toBe(403)
    expect(await interactions(h)).toBe(0)
    // The provider was asked with our secret, the token and the visitor's address.
    expect(asked.at(-1)?.get('secret')).toBe('captcha-secret')
    expect(asked.at(-1)?.get('response')).toBe('made-up')
    expect(asked.at(-1)?.get('remoteip')).toBe('127.0.2.2')
  })

  it('starts the conversation with a token the provider accepts', async () => {
    const good = await startFrom(h, '127.0.2.3', { department: 1, captcha: 'good-token' })
    expect(good.statusCode).toBe(201)
    expect(await interactions(h)).toBe(1)
  })

  it('refuses a token solved on another site’s page, which the provider itself accepts', async () => {
    const farmed = await startFrom(h, '127.0.2.5', { department: 1, captcha: 'farmed-token' })
    expect(farmed.statusCode).toBe(403)
    expect(farmed.json()).toMatchObject({
      code: 'FORBIDDEN',
      details: [{ path: 'captcha' }],
    })
    expect(await interactions(h)).toBe(1)
  })

  it('fails closed when the provider cannot be asked', async () => {
    verifierUp = false
    try {
      const down = await startFrom(h, '127.0.2.4', { department: 1, captcha: 'good-token' })
      expect(down.statusCode).toBe(502)
      expect(down.json()).toMatchObject({ code: 'UPSTREAM_ERROR' })
      expect(await interactions(h)).toBe(1)
    } finally {
      verifierUp = true
    }
  })
})
