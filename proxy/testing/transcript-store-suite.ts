/**
 * What every TranscriptStore does, whichever store holds it: transcripts/memory.test.ts and
 * redis/transcripts.test.ts run this one suite. Time: memory reads the store's clock (`now`), Redis
 * its own, so a test that waits for a transcript to be forgotten moves the clock and waits for it.
 */
import { describe, expect, it, vi } from 'vitest'
import { type LoggedEvent, limits } from '../../protocol/wire.ts'
import type { TranscriptStore } from '../transcripts/store.ts'

export type TranscriptStoreFactory = (options: {
  retentionMs?: number
  maxMessages?: number
  maxBytes?: number
  now?: () => number
  /** A second instance on the same store (another process on the same Redis). */
  sameStore?: boolean
}) => Promise<TranscriptStore>

let nextId = Date.now()
const at = (id: number) => new Date(id).toISOString()

function visitorSays(text: string, extra: Partial<LoggedEvent & { type: 'message' }> = {}) {
  const id = nextId++
  return {
    id,
    at: at(id),
    type: 'message',
    author: 'visitor',
    messageId: `v-${id}`,
    text,
    clientId: `c-${id}`,
    ...extra,
  } as const
}
function agentSays(text: string) {
  const id = nextId++
  return {
    id,
    at: at(id),
    type: 'message',
    author: 'agent',
    messageId: `a-${id}`,
    text,
    agentName: 'Ana',
  } as const
}
function finished(by: 'agent' | 'visitor' = 'agent') {
  const id = nextId++
  return { id, at: at(id), type: 'finished', by } as const
}
function rated(mood: 'positive' | 'negative') {
  const id = nextId++
  return { id, at: at(id), type: 'rated', mood } as const
}

const texts = (t: { messages: Array<{ text: string }> } | null) => t?.messages.map((m) => m.text)

export function describeTranscriptStore(name: string, make: TranscriptStoreFactory) {
  describe(`${name} transcript store (the contract)`, () => {
    it('keeps the messages, the end and the rating of a conversation begun here, as the log had them', async () => {
      const store = await make({})
      await store.begin('a')
      const hello = visitorSays('Hello, my order is late')
      const answer = agentSays('Let me check')
      const end = finished()
      const mood = rated('positive')
      for (const event of [hello, answer, end, mood]) await store.record('a', event)
      const typing = { id: nextId++, at: at(0), type: 'typing' } as const
      await store.record('a', typing)
      const kept = await store.read('a')
      // The widget's clientId only matters to the tab that wrote it.
      const { clientId: _, ...helloKept } = hello
      expect(kept).toEqual({
        messages: [helloKept, answer],
        dropped: 0,
        ended: end,
        rated: mood,
        owner: null,
      })
      expect(await store.read('b')).toBeNull()
      await store.close()
    })

    it('makes no transcript for a conversation never begun here (other channels of the account)', async () => {
      const store = await make({})
      await store.record('stranger', agentSays('Hi from WhatsApp'))
      await store.record('stranger', finished())
      expect(await store.read('stranger')).toBeNull()
      await store.close()
    })

    it('keeps what it has when begun again, and the first end and rating only', async () => {
      const store = await make({})
      await store.begin('a')
      await store.record('a', visitorSays('one'))
      const end = finished('visitor')
      await store.record('a', end)
      await store.record('a', finished('agent'))
      const mood = rated('negative')
      await store.record('a', mood)
      await store.record('a', rated('positive'))
      await store.begin('a')
      expect(await store.read('a')).toMatchObject({
        messages: [{ text: 'one' }],
        ended: end,
        rated: mood,
      })
      await store.close()
    })

    it('keeps whom the conversation belongs to, as its start said, and only the first', async () => {
      const store = await make({})
      const other = await make({ sameStore: true })
      await store.begin('signed', { owner: 'owner-digest' })
      await store.begin('anonymous', { owner: '' })
      await store.begin('unsaid')
      await other.begin('signed', { owner: 'another-digest' })
      await other.begin('signed')
      expect((await other.read('signed'))?.owner).toBe('owner-digest')
      expect((await other.read('anonymous'))?.owner).toBe('')
      // Begun without one (taken up again after the log forgot it): nobody's.
      expect((await other.read('unsaid'))?.owner).toBeNull()
      await store.close()
      if (other !== store) await other.close()
    })

    it('keeps the newest messages within its caps, and counts those it let go', async () => {
      const store = await make({ maxMessages: 5, maxBytes: 100_000 })
      await store.begin('a')
      for (let i = 1; i <= 8; i++) await store.record('a', agentSays(`m${i}`))
      const kept = await store.read('a')
      expect(texts(kept)).toEqual(['m4', 'm5', 'm6', 'm7', 'm8'])
      expect(kept?.dropped).toBe(3)

      const small = await make({ maxMessages: 100, maxBytes: 2000, sameStore: false })
      await small.begin('b')
      for (let i = 1; i <= 10; i++) await small.record('b', visitorSays(`${i}`.padEnd(300, '.')))
      const fits = await small.read('b')
      const bytes = fits!.messages.reduce((sum, m) => sum + Buffer.byteLength(JSON.stringify(m)), 0)
      expect(bytes).toBeLessThanOrEqual(2000)
      expect(fits!.messages.length).toBeGreaterThan(0)
      expect(fits!.dropped + fits!.messages.length).toBe(10)
      expect(fits!.messages.at(-1)?.text.startsWith('10')).toBe(true)
      await store.close()
      await small.close()
    })

    it("cuts a message at the visitor's own length limit and keeps no URL a browser would not take", async () => {
      const store = await make({})
      await store.begin('a')
      await store.record('a', agentSays('x'.repeat(limits.textLength + 500)))
      const long = `https://files.example/${'y'.repeat(3000)}`
      await store.record('a', { ...agentSays('a file'), media: { kind: 'file', url: long } })
      const image = { kind: 'image', url: 'https://files.example/a.png' } as const
      await store.record('a', { ...agentSays('a picture'), media: image })
      const kept = await store.read('a')
      expect(kept?.messages[0]?.text).toHaveLength(limits.textLength)
      expect(kept?.messages[1]).not.toHaveProperty('media')
      expect(kept?.messages[2]?.media).toEqual(image)
      await store.close()
    })

    it('remembers the conversation a new one follows (its visitor proved it theirs), begun with it or after', async () => {
      const store = await make({})
      await store.begin('first')
      await store.begin('second', { previous: 'first' })
      await store.record('second', visitorSays('me again'))
      await store.begin('second')
      expect(await store.read('second')).toMatchObject({ previous: 'first', messages: [{}] })
      expect((await store.read('first'))?.previous).toBeUndefined()
      await store.begin('first', { previous: 'zero' })
      expect((await store.read('first'))?.previous).toBe('zero')
      await store.close()
    })

    it('forgets a transcript at once when erased, and keeps nothing of it afterwards', async () => {
      const store = await make({})
      await store.begin('a')
      await store.begin('b')
      await store.record('a', visitorSays('my address is ...'))
      await store.record('b', visitorSays('another visitor'))
      await store.erase('a')
      await store.record('a', agentSays('a late answer'))
      expect(await store.read('a')).toBeNull()
      expect(texts(await store.read('b'))).toEqual(['another visitor'])
      await store.erase('never-kept')
      await store.close()
    })

    it('forgets a transcript once its retention has passed since its last write', async () => {
      let t = Date.now()
      const store = await make({ retentionMs: 400, now: () => t })
      await store.begin('a')
      await store.record('a', visitorSays('soon forgotten'))
      expect(texts(await store.read('a'))).toEqual(['soon forgotten'])
      t += 1000
      await vi.waitFor(async () => expect(await store.read('a')).toBeNull(), { timeout: 5000 })
      await store.close()
    })

    it('gathers what instances on one store record, in the order of the log', async () => {
      const one = await make({})
      const two = await make({ sameStore: true })
      await one.begin('a')
      const said = Array.from({ length: 6 }, (_, i) =>
        i % 2 ? agentSays(`${i}`) : visitorSays(`${i}`),
      )
      // Recorded in another order than logged, as two instances racing might.
      await Promise.all([...said].reverse().map((e, i) => (i % 2 ? one : two).record('a', e)))
      expect(texts(await two.read('a'))).toEqual(['0', '1', '2', '3', '4', '5'])
      await one.close()
      if (two !== one) await two.close()
    })
  })
}
