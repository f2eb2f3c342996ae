import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { routes } from '../protocol/wire.ts'
import { type Harness, siteOrigin, startHarness } from '../testing.ts'

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
})
