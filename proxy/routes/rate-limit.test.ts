import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { routes } from '../../protocol/wire.ts'
import {
  fileForm,
  formBody,
  type Harness,
  samplePng,
  siteOrigin,
  startConversation,
  startHarness,
} from '../testing/harness.ts'

let h: Harness
beforeAll(async () => {
  h = await startHarness({ limits: { startsPerMinute: 2 } })
})
afterAll(() => h.close())

describe('rate limits', () => {
  it('slow down one client starting conversation after conversation, with Retry-After', async () => {
    const start = () =>
      h.app.inject({
        method: 'POST',
        url: routes.start,
        payload: { department: 1 },
        headers: { origin: siteOrigin },
      })
    expect((await start()).statusCode).toBe(201)
    expect((await start()).statusCode).toBe(201)
    const limited = await start()
    expect(limited.statusCode).toBe(429)
    expect(limited.json()).toMatchObject({
      code: 'RATE_LIMITED',
      message: expect.stringMatching(/retry in \d+ s/),
    })
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
    const interactions = (await (
      await fetch(`${h.emulator.url}/control/interactions`)
    ).json()) as unknown[]
    expect(interactions).toHaveLength(2)
  })

  it('hold one client to UPLOADS_PER_MINUTE files', async () => {
    const own = await startHarness({ limits: { uploadsPerMinute: 2 } })
    try {
      const visitor = await startConversation(own.url)
      const upload = async () => {
        const { payload, headers } = await formBody(fileForm(samplePng(), 'a.png'))
        return own.app.inject({
          method: 'POST',
          url: routes.uploads(visitor.conversationId),
          payload,
          headers: { ...visitor.headers, ...headers },
        })
      }
      expect((await upload()).statusCode).toBe(201)
      expect((await upload()).statusCode).toBe(201)
      const limited = await upload()
      expect(limited.statusCode).toBe(429)
      expect(limited.json()).toMatchObject({ code: 'RATE_LIMITED' })
    } finally {
      await own.close()
    }
  })
})
