/**
 * The visitor of an ended chat asks for its transcript by e-mail: the site's LEAVE_MESSAGE_URL (a
 * real HTTP server on loopback that checks the signature) receives the transcript the proxy keeps,
 * as a `transcript-requested`; whatever the browser might claim was said never reaches it.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { type LoggedEvent, routes } from '../../protocol/wire.ts'
import { createDeliveries } from '../messages-left/delivery.ts'
import {
  agent,
  type Harness,
  readEvents,
  siteOrigin,
  startConversation,
  startHarness,
} from '../testing/harness.ts'
import { type Receiver, startReceiver } from '../testing/site-inbox.ts'

const secret = 'the-site-secret-0123456789abcdefghij'

let h: Harness | null = null
let receiver: Receiver | null = null
afterEach(async () => {
  await h?.close()
  await receiver?.close()
  h = receiver = null
})

async function start(options: { transcriptByEmail: boolean; leaveMessage: boolean }) {
  receiver = await startReceiver({ secret })
  h = await startHarness({
    ...(options.leaveMessage && {
      messagesLeft: createDeliveries({ url: receiver.url, secret, maxPending: 10 }),
    }),
    transcriptByEmail: options.transcriptByEmail,
  })
  return h
}

type Visitor = Awaited<ReturnType<typeof startConversation>>

async function say(h: Harness, v: Visitor, text: string) {
  const response = await h.app.inject({
    method: 'POST',
    url: routes.messages(v.conversationId),
    payload: { clientId: `client-${text.length}-000`, text },
    headers: v.headers,
  })
  expect(response.statusCode, response.body).toBe(202)
}

/** A chat the agent answered and finished; the visitor's stream saw the end. */
async function endedChat(h: Harness) {
  const v = await startConversation(h.url)
  await say(h, v, 'Where is my order 123?')
  await agent(h.emulator, v.conversationId, 'accept', { agentName: 'Ana' })
  await agent(h.emulator, v.conversationId, 'messages', { content: 'It ships today' })
  await agent(h.emulator, v.conversationId, 'finish')
  await readEvents(`${h.url}${routes.events(v.conversationId)}`, v.headers, (events) =>
    events.some((e: LoggedEvent) => e.type === 'finished'),
  )
  return v
}

const request = (h: Harness, v: Visitor, payload: object, headers: object = v.headers) =>
  h.app.inject({
    method: 'POST',
    url: routes.transcriptRequests(v.conversationId),
    payload,
    headers: headers as Record<string, string>,
  })

const config = async (h: Harness) =>
  (
    await h.app.inject({ method: 'GET', url: routes.config, headers: { origin: siteOrigin } })
  ).json()

describe('POST /v1/conversations/:id/transcript-requests', () => {
  it('delivers the transcript the proxy keeps to the site, signed, as transcript-requested', async () => {
    const h = await start({ transcriptByEmail: true, leaveMessage: true })
    expect(await config(h)).toMatchObject({ transcriptByEmail: true })
    const v = await endedChat(h)
    const response = await request(h, v, {
      email: 'ana@example.com',
      language: 'pt-BR',
      timeZone: 'America/Sao_Paulo',
    })
    expect(response.statusCode, response.body).toBe(202)
    const { id } = response.json<{ id: string }>()
    const [received] = await receiver!.waitFor(1)
    expect(received!.signed).toBe(true)
    expect(JSON.parse(received!.body)).toEqual({
      type: 'transcript-requested',
      id,
      receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      conversationId: v.conversationId,
      email: 'ana@example.com',
      language: 'pt-BR',
      timeZone: 'America/Sao_Paulo',
      transcript: {
        messages: [
          { at: expect.any(String), author: 'visitor', text: 'Where is my order 123?' },
          { at: expect.any(String), author: 'agent', agentName: 'Ana', text: 'It ships today' },
        ],
        dropped: 0,
        endedAt: expect.any(String),
        rating: null,
      },
    })
  })

  it('refuses a chat going on (409), a bad address (400), no credential (401), an erased one (404)', async () => {
    const h = await start({ transcriptByEmail: true, leaveMessage: true })
    const going = await startConversation(h.url)
    await say(h, going, 'Hello?')
    expect((await request(h, going, { email: 'ana@example.com' })).statusCode).toBe(409)
    const v = await endedChat(h)
    const bad = await request(h, v, { email: 'not an address' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json()).toMatchObject({ details: [{ path: 'email' }] })
    expect(
      (await request(h, v, { email: 'ana@example.com' }, { origin: siteOrigin })).statusCode,
    ).toBe(401)
    await h.app.inject({
      method: 'DELETE',
      url: routes.conversation(v.conversationId),
      headers: v.headers,
    })
    expect((await request(h, v, { email: 'ana@example.com' })).statusCode).toBe(404)
    expect(receiver!.received).toEqual([])
  })

  it('is off (404, and the config says so) unless TRANSCRIPT_BY_EMAIL and LEAVE_MESSAGE_URL are both set', async () => {
    for (const options of [
      { transcriptByEmail: false, leaveMessage: true },
      { transcriptByEmail: true, leaveMessage: false },
    ]) {
      const h = await start(options)
      expect(await config(h)).toMatchObject({ transcriptByEmail: false })
      const v = await endedChat(h)
      expect((await request(h, v, { email: 'ana@example.com' })).statusCode).toBe(404)
      await h.close()
      await receiver!.close()
    }
    h = receiver = null
  })
})
