/**
 * Attack: one address opens event stream after event stream to take the process's whole budget.
 * It gets MAX_STREAMS_PER_IP and clear 429s after that; visitors elsewhere still get theirs. An
 * IPv6 client that takes a new address of its prefix for each stream is still one client.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { routes } from '../../protocol/wire.ts'
import { type Harness, startConversation, startHarness } from '../testing/harness.ts'

let h: Harness
beforeAll(async () => {
  h = await startHarness({ limits: { maxStreamsPerIp: 10, maxStreams: 1000 } })
})
afterAll(() => h.close())

type Conversation = Awaited<ReturnType<typeof startConversation>>
const controllers: AbortController[] = []
afterEach(() => {
  for (const controller of controllers.splice(0)) controller.abort()
})

const open = (conversation: Conversation, from: string) => {
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

describe('one address and many streams', () => {
  it('gets its cap and 429s, while another address still streams', async () => {
    const conversations = await Promise.all(
      Array.from({ length: 15 }, () => startConversation(h.url)),
    )
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
  })

  it('holds an IPv6 client to the cap however many addresses of its /64 it takes', async () => {
    const conversations = await Promise.all(
      Array.from({ length: 12 }, () => startConversation(h.url)),
    )
    const answers = await Promise.all(
      conversations.map((c, i) => open(c, `2001:db8:7:1::${(i + 1).toString(16)}`)),
    )
    expect(answers.filter((a) => a.statusCode === 200)).toHaveLength(10)
    expect(answers.filter((a) => a.statusCode === 429)).toHaveLength(2)
    // The next /64 is someone else.
    expect((await open(conversations[0]!, '2001:db8:7:2::1')).statusCode).toBe(200)
  })

  it('counts an IPv4 client the same through a dual-stack socket (IPv4-mapped)', async () => {
    const conversations = await Promise.all(
      Array.from({ length: 11 }, () => startConversation(h.url)),
    )
    const answers = await Promise.all(
      conversations.map((c, i) => open(c, i % 2 ? '127.0.4.1' : '::ffff:127.0.4.1')),
    )
    expect(answers.filter((a) => a.statusCode === 200)).toHaveLength(10)
    expect(answers.filter((a) => a.statusCode === 429)).toHaveLength(1)
  })
})
