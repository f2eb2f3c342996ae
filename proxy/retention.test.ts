/**
 * Bounded memory, as a visitor and zChat see it: past MAX_CONVERSATIONS the oldest ended
 * conversation is forgotten first, the live ones keep their transcript, and a forgotten one still
 * answers its visitor (from the transcript kept apart from the log).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { routes } from '../protocol/wire.ts'
import {
  agentMessageTrigger,
  type Harness,
  postTrigger,
  readEvents,
  startConversation,
  startHarness,
} from './testing/harness.ts'

let h: Harness
beforeAll(async () => {
  h = await startHarness({ limits: { maxConversations: 2 } })
})
afterAll(() => h.close())

const start = () => startConversation(h.url)
const agentSays = (conversationId: string, text: string) =>
  postTrigger(h.url, agentMessageTrigger(conversationId, text, `${conversationId}-${text}`))

const transcript = async (conversationId: string, headers: Record<string, string>, n: number) =>
  (
    await readEvents(`${h.url}${routes.events(conversationId)}`, headers, (e) => e.length >= n)
  ).events.flatMap((e) => (e.type === 'message' ? [e.text] : []))

describe('MAX_CONVERSATIONS', () => {
  it('forgets the oldest ended conversation first and keeps the live ones whole', async () => {
    const ended = await start()
    await agentSays(ended.conversationId, 'bye')
    const finished = await h.app.inject({
      method: 'PUT',
      url: routes.finish(ended.conversationId),
      headers: ended.headers,
    })
    expect(finished.statusCode).toBe(204)
    const live = await start()
    await agentSays(live.conversationId, 'hello')
    // A third conversation: one must go, and it is the ended one, not the older live one.
    const newest = await start()
    await agentSays(newest.conversationId, 'welcome')

    expect(await transcript(live.conversationId, live.headers, 1)).toEqual(['hello'])
    expect(await transcript(newest.conversationId, newest.headers, 1)).toEqual(['welcome'])
    // The forgotten one still answers its visitor, from its transcript (transcripts/): what was
    // said, and that it ended.
    const forgotten = await readEvents(
      `${h.url}${routes.events(ended.conversationId)}`,
      ended.headers,
      (events) => events.some((e) => e.type === 'finished'),
    )
    expect(forgotten.status).toBe(200)
    expect(forgotten.events.map((e) => (e.type === 'message' ? e.text : e.type))).toEqual([
      'bye',
      'finished',
    ])
  })
})
