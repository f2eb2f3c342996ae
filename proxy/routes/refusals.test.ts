/**
 * What zChat's refusals mean here (docs/decisions/017-no-guess-ends-a-chat.md): the document shows 422
 * as its one error with no meaning attached, so a refused call ends a conversation only once a
 * second call on the interaction is refused too, or zChat's own trigger says so.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type LoggedEvent, routes, type UploadReply } from '../../protocol/wire.ts'
import {
  agent,
  agentMessageTrigger,
  fileForm,
  formBody,
  type Harness,
  interaction,
  openStream,
  postTrigger,
  readEvents,
  type StreamReader,
  samplePng,
  startConversation,
  startHarness,
  webhookSecret,
} from '../testing/harness.ts'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(() => h.close())
const streams: StreamReader[] = []
// Faults are the emulator's, shared by every test of this file; a failed test leaves no stream open.
afterEach(async () => {
  for (const stream of streams.splice(0)) stream.close()
  await fault({
    failNext: null,
    unknownAs422: false,
    refuseMessageTypes: [],
    updatesAfterFinish: 'accept',
  })
})

type Visitor = Awaited<ReturnType<typeof startConversation>>

async function fault(body: object) {
  const response = await fetch(`${h.emulator.url}/control/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  expect(response.status).toBe(200)
}

const send = (visitor: Visitor, body: object) =>
  h.app.inject({
    method: 'POST',
    url: routes.messages(visitor.conversationId),
    payload: body,
    headers: visitor.headers,
  })

const put = (visitor: Visitor, route: (id: string) => string, payload?: object) =>
  h.app.inject({
    method: 'PUT',
    url: route(visitor.conversationId),
    headers: visitor.headers,
    ...(payload && { payload }),
  })

async function uploadPicture(visitor: Visitor): Promise<UploadReply> {
  const { payload, headers } = await formBody(fileForm(samplePng(), 'tent.png', 'image/png'))
  const response = await h.app.inject({
    method: 'POST',
    url: routes.uploads(visitor.conversationId),
    payload,
    headers: { ...visitor.headers, ...headers },
  })
  expect(response.statusCode, response.body).toBe(201)
  return response.json()
}

/** A conversation an agent has taken, with its event stream open. */
async function chatting() {
  const visitor = await startConversation(h.url)
  const stream = await openStream(`${h.url}${routes.events(visitor.conversationId)}`, {
    ...visitor.headers,
  })
  streams.push(stream)
  await agent(h.emulator, visitor.conversationId, 'accept', { agentName: 'Ana' })
  await stream.waitFor((events) => events.some((e) => e.type === 'accepted'))
  return { visitor, stream }
}

/**
 * Every event the log holds for the conversation, as a stream read from the start gets them: a
 * marker (an agent message, which the log keeps even after the end) is logged last and read up to.
 */
async function logged(visitor: Visitor): Promise<LoggedEvent[]> {
  const marker = `marker-${Math.random()}`
  await postTrigger(h.url, agentMessageTrigger(visitor.conversationId, marker))
  const { events } = await readEvents(
    `${h.url}${routes.events(visitor.conversationId)}`,
    visitor.headers,
    (e) => e.some((event) => event.type === 'message' && event.text === marker),
  )
  return events.filter((e) => !(e.type === 'message' && e.text === marker))
}

/** zChat's `finished` trigger never reaches the proxy while `act` runs. */
async function withTriggersLost(act: () => Promise<unknown>) {
  h.emulator.setWebhookUrl('http://127.0.0.1:9/lost')
  try {
    await act()
  } finally {
    h.emulator.setWebhookUrl(`${h.url}/webhooks/zchat/${webhookSecret}`)
  }
}

describe('a message zChat refuses while the interaction lives', () => {
  it('is refused alone: the visitor hears why, and the chat goes on both ways', async () => {
    const { visitor, stream } = await chatting()
    await fault({ refuseMessageTypes: ['image'] })
    const picture = await uploadPicture(visitor)

    const refused = await send(visitor, {
      clientId: 'pic-00001',
      text: '',
      upload: picture.uploadId,
    })
    expect(refused.statusCode).toBe(422)
    expect(refused.json()).toMatchObject({
      code: 'UNPROCESSABLE',
      details: [{ path: 'upstream' }],
    })

    const written = await send(visitor, { clientId: 'txt-00001', text: 'Did the photo arrive?' })
    expect(written.statusCode, written.body).toBe(202)
    await postTrigger(h.url, agentMessageTrigger(visitor.conversationId, 'No, please describe it'))
    await stream.waitFor((events) =>
      events.some((e) => e.type === 'message' && e.text === 'No, please describe it'),
    )
    stream.close()

    const view = await interaction(h.emulator, visitor.conversationId)
    expect(view.state).toBe('accepted')
    expect(view.messages.map((m) => m.content)).toEqual(['Did the photo arrive?'])
    const events = await logged(visitor)
    expect(events.map((e) => e.type)).not.toContain('finished')
    expect(events.filter((e) => e.type === 'message').map((e) => e.clientId)).toEqual([
      'txt-00001',
      undefined,
    ])
  })

  it('is refused alone when zChat answers it 404 or 422 once', async () => {
    for (const status of [404, 422, 400]) {
      const { visitor, stream } = await chatting()
      stream.close()
      await fault({ failNext: { status, count: 1 } })
      const refused = await send(visitor, { clientId: `once-${status}`, text: 'Hello?' })
      expect(refused.statusCode, `zChat ${status}`).toBe(422)
      expect(refused.json()).toMatchObject({ details: [{ path: 'upstream' }] })
      expect((await send(visitor, { clientId: `then-${status}`, text: 'Hi' })).statusCode).toBe(202)
      expect((await interaction(h.emulator, visitor.conversationId)).state).toBe('accepted')
      expect((await logged(visitor)).map((e) => e.type)).not.toContain('finished')
    }
  })
})

describe('an interaction zChat no longer takes', () => {
  it('ends when zChat refuses a message and the call that checks, though its trigger was lost', async () => {
    const { visitor, stream } = await chatting()
    await withTriggersLost(() => agent(h.emulator, visitor.conversationId, 'finish'))
    // The emulator answers 422 to every call on a finished interaction, as the document allows.
    const sent = await send(visitor, { clientId: 'over-00001', text: 'Hello?' })
    expect(sent.statusCode).toBe(409)
    expect(sent.json()).toMatchObject({ code: 'CONFLICT' })
    await stream.waitFor((events) => events.some((e) => e.type === 'finished'))
    stream.close()
    // Finishing an interaction zChat already ended is granted, not an error.
    expect((await put(visitor, routes.finish)).statusCode).toBe(204)
  })

  it('ends when zChat no longer knows it, whether it answers 404 or 422', async () => {
    for (const unknownAs422 of [false, true]) {
      const { visitor, stream } = await chatting()
      await fetch(`${h.emulator.url}/control/reset`, { method: 'POST' })
      await fault({ unknownAs422 })
      const sent = await send(visitor, { clientId: `gone-${unknownAs422}`, text: 'Anyone?' })
      expect(sent.statusCode, `unknownAs422: ${unknownAs422}`).toBe(409)
      await stream.waitFor((events) => events.some((e) => e.type === 'finished'))
      stream.close()
    }
  })
})

describe('a refused typing or cleared', () => {
  it('is ignored, and ends nothing', async () => {
    const { visitor, stream } = await chatting()
    stream.close()
    for (const [route, status] of [
      [routes.typing, 422],
      [routes.cleared, 404],
      [routes.typing, 400],
    ] as const) {
      await fault({ failNext: { status, count: 1 } })
      expect((await put(visitor, route)).statusCode).toBe(204)
    }
    expect((await logged(visitor)).map((e) => e.type)).not.toContain('finished')
    expect((await send(visitor, { clientId: 'after-typing', text: 'Still here' })).statusCode).toBe(
      202,
    )
  })

  it('ends nothing even on an interaction that is over: the next message finds out', async () => {
    const { visitor, stream } = await chatting()
    stream.close()
    await withTriggersLost(() => agent(h.emulator, visitor.conversationId, 'finish'))
    expect((await put(visitor, routes.typing)).statusCode).toBe(204)
    expect((await logged(visitor)).map((e) => e.type)).not.toContain('finished')
  })
})

describe('unavailable after accepted', () => {
  it('ends the conversation: the visitor hears it, and a message is answered 409 without reaching zChat', async () => {
    const { visitor, stream } = await chatting()
    await agent(h.emulator, visitor.conversationId, 'unavailable')
    await stream.waitFor((events) => events.some((e) => e.type === 'unavailable'))
    stream.close()
    const sent = await send(visitor, { clientId: 'late-00001', text: 'Are you still there?' })
    expect(sent.statusCode).toBe(409)
    expect((await interaction(h.emulator, visitor.conversationId)).messages).toEqual([])
  })
})

describe('a rating zChat refuses', () => {
  it('after finish is refused for good, with why, and not recorded', async () => {
    const { visitor, stream } = await chatting()
    stream.close()
    await fault({ updatesAfterFinish: 'refuse' })
    expect((await put(visitor, routes.finish)).statusCode).toBe(204)
    const rated = await put(visitor, routes.rating, { mood: 'positive' })
    expect(rated.statusCode).toBe(422)
    expect(rated.json()).toMatchObject({ code: 'UNPROCESSABLE', details: [{ path: 'upstream' }] })
    expect((await interaction(h.emulator, visitor.conversationId)).mood).toBeNull()
    expect((await logged(visitor)).map((e) => e.type)).not.toContain('rated')
  })

  it('for an interaction zChat no longer knows is a refusal too, not a conversation gone', async () => {
    const { visitor, stream } = await chatting()
    stream.close()
    // Forgotten before the finish: a reset with a trigger on its way leaves that call half-sent.
    await fetch(`${h.emulator.url}/control/reset`, { method: 'POST' })
    expect((await put(visitor, routes.finish)).statusCode).toBe(204)
    const rated = await put(visitor, routes.rating, { mood: 'negative' })
    expect(rated.statusCode).toBe(422)
    expect(rated.json()).toMatchObject({ details: [{ path: 'upstream' }] })
  })
})
