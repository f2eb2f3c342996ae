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
  webhookSecret,
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

describe('an IPv6 client', () => {
  it('is held to STARTS_PER_MINUTE by its IPV6_PREFIX_LENGTH prefix, whichever /64 it starts from', async () => {
    const own = await startHarness({ limits: { startsPerMinute: 2, ipv6PrefixLength: 48 } })
    try {
      const start = (from: string) =>
        own.app.inject({
          method: 'POST',
          url: routes.start,
          payload: { department: 1 },
          headers: { origin: siteOrigin },
          remoteAddress: from,
        })
      const statuses = []
      for (const from of ['2001:db8:5:1::1', '2001:db8:5:2::1', '2001:db8:5:3::1'])
        statuses.push((await start(from)).statusCode)
      expect(statuses).toEqual([201, 201, 429])
      expect((await start('2001:db8:6:1::1')).statusCode).toBe(201)
    } finally {
      await own.close()
    }
  })

  it('is held to WEBHOOK_PER_MINUTE by its prefix, whichever address of it calls', async () => {
    const own = await startHarness({ limits: { webhookPerMinute: 3 } })
    try {
      const call = (from: string) =>
        own.app.inject({
          method: 'POST',
          url: `/webhooks/zchat/${webhookSecret}`,
          payload: { interaction_hash: 'nobody', state: 'typing' },
          remoteAddress: from,
        })
      const statuses = []
      for (let i = 1; i <= 5; i++) statuses.push((await call(`2001:db8:9:1::${i}`)).statusCode)
      expect(statuses).toEqual([200, 200, 200, 429, 429])
      expect((await call('2001:db8:9:2::1')).statusCode).toBe(200)
    } finally {
      await own.close()
    }
  })
})
