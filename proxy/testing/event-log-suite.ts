/**
 * What every EventLog does, whichever store holds it: memory.test.ts and redis.test.ts run this one
 * suite. Live delivery may be asynchronous (Redis relays it), so subscribers are awaited.
 */
import { describe, expect, it, vi } from 'vitest'
import type { LoggedEvent } from '../../protocol/wire.ts'
import type { EventLog, EvictionReason } from '../events/log.ts'

export type LogFactory = (options: {
  now?: () => number
  maxEventsPerConversation?: number
  maxBytesPerConversation?: number
  unopenedMaxConversations?: number
  unopenedMaxBytes?: number
  onEvict?: (reason: EvictionReason, count: number) => void
  /** A second instance on the same store (a second process, or the same one restarted). */
  sameStore?: boolean
}) => Promise<EventLog>

const text = (e: LoggedEvent) => (e.type === 'message' ? e.text : e.type)

const agentSays = (text: string) =>
  ({ type: 'message', author: 'agent', messageId: text.slice(0, 20), text }) as const

/** Evictions as reported, summed by reason. */
function evictionCounter() {
  const counted: Partial<Record<EvictionReason, number>> = {}
  const onEvict = (reason: EvictionReason, count: number) => {
    counted[reason] = (counted[reason] ?? 0) + count
  }
  return { counted, onEvict }
}

export function describeEventLog(name: string, make: LogFactory) {
  describe(`${name} event log (the contract)`, () => {
    it('numbers events per conversation and reads after an id, a page at a time', async () => {
      const log = await make({})
      await log.open('a')
      await log.append('a', { type: 'queued', position: 1 })
      await log.append('b', { type: 'accepted' })
      await log.append('a', { type: 'accepted' })
      await log.append('a', { type: 'typing' })
      const [first, second] = await log.readAfter('a', 0)
      expect(second!.id).toBeGreaterThan(first!.id)
      expect((await log.readAfter('a', first!.id)).map(text)).toEqual(['accepted', 'typing'])
      expect((await log.readAfter('a', first!.id, 1)).map(text)).toEqual(['accepted'])
      expect((await log.readAfter('b', 0)).map(text)).toEqual(['accepted'])
      expect(await log.readAfter('a', (await log.readAfter('a', 0)).at(-1)!.id)).toEqual([])
      expect(await log.readAfter('never', 0)).toEqual([])
      expect(new Date(first!.at).getTime()).not.toBeNaN()
      await log.close()
    })

    it('numbers events above any id handed out before, even within one millisecond', async () => {
      let t = Date.now()
      const before = await make({ now: () => t })
      const a = await before.append('a', { type: 'accepted' })
      const b = await before.append('a', { type: 'typing' })
      expect(b!.id).toBe(a!.id + 1)
      await before.close()
      t += 5
      const after = await make({ now: () => t, sameStore: true })
      const c = await after.append('a', { type: 'cleared' })
      expect(c!.id).toBeGreaterThan(b!.id)
      await after.close()
    })

    it('tells opened, ended and unknown conversations apart', async () => {
      const log = await make({})
      expect(await log.status('a')).toBeNull()
      await log.append('a', { type: 'queued', position: 1 })
      expect(await log.status('a')).toMatchObject({ opened: false, ended: false })
      await log.open('a')
      expect(await log.status('a')).toMatchObject({ opened: true, ended: false })
      await log.append('a', { type: 'finished', by: 'agent' }, 'finished')
      await log.open('a')
      const status = await log.status('a')
      expect(status).toMatchObject({ opened: true, ended: true })
      expect([...status!.keys]).toEqual(['finished'])
      await log.close()
    })

    it('erases a conversation whole, events and keys, and no other', async () => {
      const log = await make({})
      await log.open('a')
      const hello = { type: 'message', author: 'visitor', messageId: 'v', text: 'my CPF' } as const
      await log.append('a', hello, 'visitor-message:c1')
      await log.append('a', { type: 'finished', by: 'agent' }, 'finished')
      await log.append('b', { type: 'accepted' })
      expect(await log.erase('a')).toBe(2)
      expect(await log.status('a')).toBeNull()
      expect(await log.readAfter('a', 0)).toEqual([])
      // Its keys went too: the same message would be a new one.
      expect(await log.append('a', hello, 'visitor-message:c1')).not.toBeNull()
      expect((await log.readAfter('b', 0)).map(text)).toEqual(['accepted'])
      expect(await log.erase('never')).toBe(0)
      await log.close()
    })

    it('stores a keyed event once and ignores what no longer matters after the end', async () => {
      const log = await make({})
      // A stream watches an opened conversation only (the routes open it first).
      await log.open('a')
      const seen: LoggedEvent[] = []
      log.subscribe('a', (e) => seen.push(e))
      expect(await log.append('a', { type: 'finished', by: 'agent' }, 'finished')).not.toBeNull()
      expect(await log.append('a', { type: 'finished', by: 'visitor' }, 'finished')).toBeNull()
      expect(await log.append('a', { type: 'typing' })).toBeNull()
      const late = { type: 'message', author: 'agent', messageId: 'm', text: 'late' } as const
      expect(await log.append('a', late, 'agent-message:m')).not.toBeNull()
      expect(await log.append('a', late, 'agent-message:m')).toBeNull()
      expect(await log.append('a', { type: 'rated', mood: 'positive' }, 'rated')).not.toBeNull()
      expect(await log.append('a', { type: 'rated', mood: 'negative' }, 'rated')).toBeNull()
      await vi.waitFor(() => expect(seen.map(text)).toEqual(['finished', 'late', 'rated']))
      expect((await log.readAfter('a', 0)).map(text)).toEqual(['finished', 'late', 'rated'])
      await log.close()
    })

    it('de-duplicates across instances on one store, however the appends race', async () => {
      const one = await make({})
      const two = await make({ sameStore: true })
      const message = { type: 'message', author: 'visitor', messageId: 'x', text: 'hi' } as const
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 ? one : two).append('a', message, 'visitor-message:c1'),
        ),
      )
      // One store per process in memory: "the same store" is the same object there.
      expect(results.filter(Boolean)).toHaveLength(1)
      expect((await two.readAfter('a', 0)).map(text)).toEqual(['hi'])
      await one.close()
      if (two !== one) await two.close()
    })

    it('relays an append to every subscriber of the conversation, in order, and no other', async () => {
      const log = await make({})
      const other = await make({ sameStore: true })
      const seenHere: string[] = []
      const seenThere: string[] = []
      const seenElsewhere: string[] = []
      await log.open('a')
      await log.open('b')
      log.subscribe('a', (e) => seenHere.push(text(e)))
      const unsubscribe = other.subscribe('a', (e) => seenThere.push(text(e)))
      other.subscribe('b', (e) => seenElsewhere.push(text(e)))
      for (const word of ['1', '2', '3']) {
        await log.append('a', { type: 'message', author: 'agent', messageId: word, text: word })
      }
      await vi.waitFor(() => expect(seenThere).toEqual(['1', '2', '3']))
      await vi.waitFor(() => expect(seenHere).toEqual(['1', '2', '3']))
      unsubscribe()
      await other.append('a', { type: 'accepted' })
      await vi.waitFor(() => expect(seenHere).toEqual(['1', '2', '3', 'accepted']))
      expect(seenThere).toEqual(['1', '2', '3'])
      expect(seenElsewhere).toEqual([])
      await log.close()
      if (other !== log) await other.close()
    })

    it('past its cap forgets the oldest events and says up to which id', async () => {
      const log = await make({ maxEventsPerConversation: 100 })
      expect(await log.droppedThrough('a')).toBe(0)
      const ids: number[] = []
      const say = async (from: number, to: number) => {
        for (let i = from; i <= to; i++) {
          const text = `${i}`
          const e = await log.append('a', {
            type: 'message',
            author: 'agent',
            messageId: text,
            text,
          })
          ids.push(e!.id)
        }
      }
      await say(1, 99)
      expect(await log.droppedThrough('a')).toBe(0)
      await say(100, 250)
      const kept = await log.readAfter('a', 0)
      // Redis trims in batches: it may keep a tenth more than the cap.
      expect(kept.length).toBeGreaterThanOrEqual(100)
      expect(kept.length).toBeLessThanOrEqual(110)
      expect(kept.map((e) => e.id)).toEqual(ids.slice(-kept.length))
      expect(await log.droppedThrough('a')).toBe(ids[ids.length - kept.length - 1])
      // Ids go on from the last one, not from what is kept.
      const next = await log.append('a', { type: 'accepted' })
      expect(next!.id).toBeGreaterThan(ids.at(-1)!)
      await log.close()
    })

    it('past its cap of bytes forgets the oldest events, keeping the newest', async () => {
      const { counted, onEvict } = evictionCounter()
      const log = await make({ maxBytesPerConversation: 20_000, onEvict })
      const ids: number[] = []
      for (let i = 0; i < 60; i++) {
        // About 1 KB each: the cap holds about 18 of them.
        const e = await log.append(
          'a',
          agentSays(`${String(i).padStart(4, '0')} ${'x'.repeat(1000)}`),
        )
        ids.push(e!.id)
      }
      const kept = await log.readAfter('a', 0)
      const bytes = kept.reduce((sum, e) => sum + JSON.stringify(e).length, 0)
      // Memory counts what it holds around each event too; Redis trims in batches (a tenth more).
      expect(kept.length).toBeGreaterThanOrEqual(12)
      expect(bytes).toBeLessThanOrEqual(22_000 + 1100)
      expect(kept.map((e) => e.id)).toEqual(ids.slice(-kept.length))
      expect(await log.droppedThrough('a')).toBe(ids[ids.length - kept.length - 1])
      expect(counted['event-cap']).toBe(60 - kept.length)
      await log.close()
    })

    it('keeps at most its cap of unopened conversations: the least recently active go, opened ones stay', async () => {
      const { counted, onEvict } = evictionCounter()
      // A clock that moves on with each call: "least recently" is never a tie.
      let t = Date.now()
      const log = await make({ unopenedMaxConversations: 3, onEvict, now: () => t++ })
      await log.open('mine')
      const held = async (ids: string[]) => {
        const found = []
        for (const id of ids) if (await log.status(id)) found.push(id)
        return found
      }
      for (const id of ['u1', 'u2', 'u3']) await log.append(id, { type: 'queued', position: 1 })
      // u1 is active again: u2, then u3, are the least recently active, and go.
      await log.append('u1', { type: 'accepted' })
      for (const id of ['u4', 'u5']) {
        await log.append(id, { type: 'queued', position: 1 })
        await log.append('mine', agentSays(`to mine after ${id}`))
      }
      expect(await held(['u1', 'u2', 'u3', 'u4', 'u5'])).toEqual(['u1', 'u4', 'u5'])
      expect((await log.readAfter('u1', 0)).map(text)).toEqual(['queued', 'accepted'])
      expect(await log.readAfter('u2', 0)).toEqual([])
      expect(counted['unopened-cap']).toBe(2)
      // Opened, a conversation leaves the unopened ones: it no longer counts against their cap.
      await log.open('u4')
      await log.append('u6', { type: 'queued', position: 1 })
      expect(await log.status('u4')).toMatchObject({ opened: true })
      expect(await held(['u1', 'u4', 'u5', 'u6'])).toEqual(['u1', 'u4', 'u5', 'u6'])
      expect(counted['unopened-cap']).toBe(2)
      expect((await log.readAfter('mine', 0)).map(text)).toEqual([
        'to mine after u4',
        'to mine after u5',
      ])
      await log.close()
    })

    it('counts an interaction that ended before it was opened here among the unopened: within their cap, ended once opened', async () => {
      const { counted, onEvict } = evictionCounter()
      let t = Date.now()
      const log = await make({ unopenedMaxConversations: 3, onEvict, now: () => t++ })
      await log.open('mine')
      // Ending triggers for interactions of others: no way around the unopened ones' cap.
      for (let i = 0; i < 10; i++) {
        await log.append(`u${i}`, agentSays(`hi ${i}`))
        await log.append(`u${i}`, { type: 'finished', by: 'agent' }, 'finished')
      }
      const held: string[] = []
      for (let i = 0; i < 10; i++) if (await log.status(`u${i}`)) held.push(`u${i}`)
      expect(held).toEqual(['u7', 'u8', 'u9'])
      expect(counted['unopened-cap']).toBe(7)
      expect(await log.status('u9')).toMatchObject({ opened: false, ended: true })
      expect(await log.append('u9', { type: 'typing' })).toBeNull()
      // The start's answer came after zChat's end: opened, it is ended, with what came before.
      await log.open('u9')
      expect(await log.status('u9')).toMatchObject({ opened: true, ended: true })
      expect((await log.readAfter('u9', 0)).map(text)).toEqual(['hi 9', 'finished'])
      expect(await log.append('u9', { type: 'typing' })).toBeNull()
      // Opened, it no longer counts against the unopened ones' cap.
      await log.append('u10', { type: 'queued', position: 1 })
      expect(await log.status('u7')).not.toBeNull()
      expect(counted['unopened-cap']).toBe(7)
      await log.close()
    })

    it('keeps at most its cap of bytes over unopened conversations, the newest always', async () => {
      const { counted, onEvict } = evictionCounter()
      let t = Date.now()
      const log = await make({ unopenedMaxBytes: 100_000, onEvict, now: () => t++ })
      await log.open('mine')
      for (let i = 0; i < 40; i++) {
        // 10 KB each: about 9 fit.
        await log.append(`u${i}`, agentSays(`${i} ${'y'.repeat(10_000)}`))
        await log.append('mine', agentSays(`to mine ${i} ${'z'.repeat(10_000)}`))
      }
      const held: number[] = []
      for (let i = 0; i < 40; i++) if (await log.status(`u${i}`)) held.push(i)
      expect(held.length).toBeGreaterThanOrEqual(5)
      expect(held.length).toBeLessThanOrEqual(10)
      // The newest ones, in a row.
      expect(held).toEqual(Array.from({ length: held.length }, (_, k) => 40 - held.length + k))
      expect(counted['unopened-cap']).toBe(40 - held.length)
      expect((await log.readAfter('mine', 0)).length).toBe(40)
      await log.close()
    })

    it("past its cap forgets the de-duplication keys of the messages it no longer holds, never the rating's", async () => {
      const log = await make({ maxEventsPerConversation: 100 })
      const rated = { type: 'rated', mood: 'positive' } as const
      await log.append('a', rated, 'rated')
      const message = (i: number) =>
        ({ type: 'message', author: 'agent', messageId: `${i}`, text: `${i}` }) as const
      for (let i = 1; i <= 400; i++) await log.append('a', message(i), `agent-message:${i}`)
      const kept = (await log.readAfter('a', 0)).map(text)
      const keys = (await log.status('a'))!.keys
      expect([...keys].sort()).toEqual(['rated', ...kept.map((i) => `agent-message:${i}`)].sort())
      // What it still holds is still stored once; the rating, long trimmed, too.
      expect(await log.append('a', message(400), 'agent-message:400')).toBeNull()
      expect(await log.append('a', rated, 'rated')).toBeNull()
      await log.close()
    })

    it('past its cap of bytes forgets the de-duplication keys of the messages it trimmed', async () => {
      const log = await make({ maxBytesPerConversation: 20_000 })
      const message = (i: number) =>
        ({
          type: 'message',
          author: 'agent',
          messageId: `${i}`,
          text: `${i} ${'x'.repeat(1000)}`,
        }) as const
      for (let i = 1; i <= 60; i++) await log.append('a', message(i), `agent-message:${i}`)
      const kept = (await log.readAfter('a', 0)).map((e) =>
        e.type === 'message' ? e.messageId : '',
      )
      const keys = (await log.status('a'))!.keys
      expect(kept.length).toBeLessThan(60)
      expect([...keys].sort()).toEqual(kept.map((i) => `agent-message:${i}`).sort())
      expect(await log.append('a', message(60), 'agent-message:60')).toBeNull()
      await log.close()
    })

    it('lets one instance at a time claim a key, until released or lapsed', async () => {
      let t = Date.now()
      const one = await make({ now: () => t })
      const two = await make({ now: () => t, sameStore: true })
      expect(await one.claim('a', 'visitor-message:c1', 200)).toBe(true)
      expect(await two.claim('a', 'visitor-message:c1', 200)).toBe(false)
      expect(await two.claim('b', 'visitor-message:c1', 200)).toBe(true)
      await one.release('a', 'visitor-message:c1')
      expect(await two.claim('a', 'visitor-message:c1', 50)).toBe(true)
      // Lapsed: Redis by its own clock, memory by the log's.
      t += 100
      await new Promise((resolve) => setTimeout(resolve, 100))
      expect(await one.claim('a', 'visitor-message:c1', 200)).toBe(true)
      await one.close()
      if (two !== one) await two.close()
    })

    it('answers healthy', async () => {
      const log = await make({})
      expect(await log.healthy()).toBe(true)
      await log.close()
    })
  })
}
