/**
 * Attack: one address opens event stream after event stream to take the process's whole budget.
 * It gets MAX_STREAMS_PER_IP and clear 429s after that; visitors elsewhere still get theirs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { routes } from '../../protocol/wire.ts'
import { type Harness, startConversation, startHarness } from '../testing/harness.ts'

let h: Harness
beforeAll(async () => {
  h = await startHarness({ limits: { maxStreamsPerIp: 10, maxStreams: 1000 } })
})
afterAll(() => h.close())

describe('one address and many streams', () => {
  it('gets its cap and 429s, while another address still streams', async () => {
    const conversations = await Promise.all(
      Array.from({ length: 15 }, () => startConversation(h.url)),
    )
    const controllers: AbortController[] = []
    const open = (conversation: (typeof conversations)[number], from: string) => {
      const controller = new AbortController()
      controllers.push(controller)
      return h.app.inject({
        method: 'GET',
        url: routes.events(conversation.conversationId),
        headers: conversation.headers,
        remoteAddress: from,
        signal: controller.signal,
        payloadAsStream: true,
      })
    }
    try {
      const answers = await Promise.all(conversations.map((c) => open(c, '127.0.3.1')))
      const statuses = answers.map((a) => a.statusCode).sort()
      expect(statuses.filter((s) => s === 200)).toHaveLength(10)
      expect(statuses.filter((s) => s === 429)).toHaveLength(5)
      const refused = answers.find((a) => a.statusCode === 429)!
      expect(JSON.parse(await new Response(refused.stream() as never).text())).toMatchObject({
        code: 'RATE_LIMITED',
      })
      const elsewhere = await open(conversations[0]!, '127.0.3.2')
      expect(elsewhere.statusCode).toBe(200)
    } finally {
      for (const controller of controllers) controller.abort()
    }
  })
})
