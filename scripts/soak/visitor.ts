/**
 * One visitor of the soak, chatting at a person's pace through nginx, conversation after
 * conversation, with the emulator's agent answering: start, the event stream (reconnected with
 * Last-Event-ID whenever it ends, as the widget does), typing, messages, now and then a file, the
 * end (the visitor's or the agent's) and a rating. Calls are retried as the widget and its outbox
 * retry them: a message with the same clientId until it is taken. What each side sent and saw is
 * written to the conversation's record, which tally.ts checks against the emulator at the end.
 */
import { setTimeout as pause } from 'node:timers/promises'
import { routes } from '../../protocol/wire.ts'
import { samplePdf, samplePng } from '../../proxy/testing/harness.ts'
import {
  agent,
  between,
  type Conversation,
  call,
  chance,
  retryable,
  startRetryable,
  type World,
} from './calls.ts'
import { soakSecrets } from './stack.ts'
import { Changes, follow } from './stream.ts'

let uploadCount = 0

/** A file as a visitor might attach one: a small picture, a PDF, or a text of 10-300 KB. */
async function someFile(): Promise<{ bytes: Uint8Array; name: string; type: string }> {
  uploadCount++
  const pick = uploadCount % 3
  if (pick === 0) return { bytes: samplePng(), name: 'photo.png', type: 'image/png' }
  if (pick === 1) return { bytes: samplePdf(), name: 'invoice.pdf', type: 'application/pdf' }
  const size = Math.round(between(10_000, 300_000))
  return {
    bytes: Buffer.alloc(size, 'order 1234, size M\n'),
    name: 'notes.txt',
    type: 'text/plain',
  }
}

/** One conversation from start to rating; resolves once its stream has closed. */
export async function converse(world: World, name: string, serial: number): Promise<void> {
  const json = { 'content-type': 'application/json', origin: soakSecrets.origin }
  const started = await call(
    world,
    'start',
    'POST',
    routes.start,
    json,
    JSON.stringify({ department: 1 + (serial % 3), visitor: { name: `Visitor ${name}` } }),
    startRetryable,
  )
  if (started?.status !== 201) return
  const { conversationId, credential } = JSON.parse(String(started.body)) as {
    conversationId: string
    credential: string
  }
  const conversation: Conversation = {
    id: conversationId,
    acknowledged: [],
    givenUp: [],
    refused: [],
    agentSent: new Map(),
    agentReceived: new Map(),
    repeatedFrames: 0,
    resets: 0,
    reconnects: 0,
    rated: false,
  }
  world.conversations.push(conversation)
  const auth = { authorization: `Bearer ${credential}`, origin: soakSecrets.origin }
  let done = false
  const changes = new Changes()
  const following = follow(world, conversation, auth, () => !done, changes)
  const replies: Promise<void>[] = []
  const agentSays = async (text: string) => {
    const at = performance.now()
    if (await agent(world, conversationId, 'messages', { content: text }))
      conversation.agentSent.set(text, at)
  }

  // The agent picks the chat up after a moment in the queue.
  await pause(between(500, 3000))
  await agent(world, conversationId, 'accept', { agentName: 'Ana' })

  const messages = Math.round(between(3, 8))
  for (let n = 1; n <= messages && performance.now() < world.stopAt; n++) {
    await call(world, 'typing', 'PUT', routes.typing(conversationId), auth)
    await pause(between(3000, 10_000))
    const text = `visitor ${name}.${serial}.${n}`
    let upload: string | undefined
    if (chance(0.06)) {
      const file = await someFile()
      const form = new FormData()
      form.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name)
      const request = new Request('http://localhost/', { method: 'POST', body: form })
      const answer = await call(
        world,
        'upload',
        'POST',
        routes.uploads(conversationId),
        { ...auth, 'content-type': request.headers.get('content-type')! },
        Buffer.from(await request.arrayBuffer()),
      )
      if (answer?.status === 201)
        upload = (JSON.parse(String(answer.body)) as { uploadId: string }).uploadId
    }
    const sent = await call(
      world,
      'message',
      'POST',
      routes.messages(conversationId),
      { ...auth, 'content-type': 'application/json' },
      JSON.stringify({
        clientId: `client-${name}-${serial}-${n}`,
        text,
        ...(upload && { upload }),
      }),
    )
    if (sent?.status === 202) conversation.acknowledged.push(text)
    else if (sent && !retryable(sent.status)) conversation.refused.push(`${text} (${sent.status})`)
    else conversation.givenUp.push(text)
    // The agent reads it, types, answers (now and then twice).
    replies.push(
      (async () => {
        await pause(between(1000, 3000))
        if (chance(0.7)) await agent(world, conversationId, 'typing')
        await pause(between(1000, 3000))
        await agentSays(`agent ${name}.${serial}.${n}`)
        if (chance(0.25)) await agentSays(`agent ${name}.${serial}.${n}b`)
      })(),
    )
  }
  await Promise.all(replies)

  // Most visitors end the chat themselves; otherwise the agent does.
  if (chance(0.7)) await call(world, 'finish', 'PUT', routes.finish(conversationId), auth)
  else await agent(world, conversationId, 'finish')
  const rated = await call(
    world,
    'rating',
    'PUT',
    routes.rating(conversationId),
    { ...auth, 'content-type': 'application/json' },
    JSON.stringify({ mood: chance(0.8) ? 'positive' : 'negative' }),
  )
  // A 409: an earlier try was taken, its answer lost.
  conversation.rated = rated?.status === 204 || rated?.status === 409

  // The tab stays open until every agent message has arrived (a minute at most: then it is lost).
  const everything = () =>
    [...conversation.agentSent.keys()].every((text) => conversation.agentReceived.has(text))
  await changes.until(everything, 60_000)
  done = true
  changes.stream?.close()
  await following
}

/** A visitor at the site for the whole soak: one conversation after another, a pause between. */
export async function visit(world: World, name: string) {
  for (let serial = 1; performance.now() < world.stopAt; serial++) {
    await converse(world, name, serial)
    await pause(between(1000, 5000))
  }
}
