import { describe, expect, it } from 'vitest'
import { describeEventLog } from '../testing/event-log-suite.ts'
import { createMemoryLog, type MemoryLog } from './memory.ts'

/** One process, one store: a second instance "on the same store" is the same log, until closed. */
let current: { log: MemoryLog; closed: boolean } | null = null
describeEventLog('memory', async ({ sameStore, ...options }) => {
  if (sameStore && current && !current.closed) return current.log
  const log = createMemoryLog(options)
  const entry = { log, closed: false }
  const close = log.close
  log.close = async () => {
    entry.closed = true
    await close()
  }
  current = entry
  return log
})

describe('memory event log (its own bounds)', () => {
  it('forgets ended conversations after their retention, idle ones later, unopened ones sooner', async () => {
    let t = 0
    const evicted: string[] = []
    const log = createMemoryLog({
      now: () => t,
      endedRetentionMs: 500,
      idleRetentionMs: 1000,
      unopenedMs: 100,
      onEvict: (reason, count) => evicted.push(`${reason}:${count}`),
    })
    await log.open('opened')
    await log.open('ended')
    await log.append('ended', { type: 'finished', by: 'agent' }, 'finished')
    await log.append('stray', { type: 'accepted' })
    t = 200
    log.sweep()
    expect(await log.status('stray')).toBeNull()
    expect(await log.status('ended')).not.toBeNull()
    t = 600
    log.sweep()
    expect(await log.status('ended')).toBeNull()
    expect(await log.status('opened')).not.toBeNull()
    t = 2000
    log.sweep()
    expect(await log.status('opened')).toBeNull()
    expect(evicted).toEqual(['unopened:1', 'ended:1', 'idle:1'])
    expect(log.stats()).toEqual({ conversations: 0, events: 0, bytes: 0 })
    await log.close()
  })

  it('keeps a conversation someone is watching, however idle', async () => {
    let t = 0
    const log = createMemoryLog({ now: () => t, idleRetentionMs: 100 })
    await log.open('a')
    const unsubscribe = log.subscribe('a', () => {})
    t = 1000
    log.sweep()
    expect(await log.status('a')).not.toBeNull()
    unsubscribe()
    t = 1050
    log.sweep()
    expect(await log.status('a')).not.toBeNull()
    t = 1200
    log.sweep()
    expect(await log.status('a')).toBeNull()
    await log.close()
  })

  it('at its cap of conversations forgets the oldest ended one first', async () => {
    let t = 0
    const evicted: string[] = []
    const log = createMemoryLog({
      now: () => t++,
      maxConversations: 3,
      onEvict: (reason, count) => evicted.push(`${reason}:${count}`),
    })
    await log.open('old-open')
    await log.open('ended')
    await log.append('ended', { type: 'finished', by: 'agent' }, 'finished')
    await log.open('new-open')
    await log.open('newest')
    expect(await log.status('ended')).toBeNull()
    expect(await log.status('old-open')).not.toBeNull()
    // No ended one left: the least recently active open one goes, unless it is watched.
    log.subscribe('old-open', () => {})
    await log.open('one-more')
    expect(await log.status('old-open')).not.toBeNull()
    expect(await log.status('new-open')).toBeNull()
    expect(evicted).toEqual(['cap:1', 'cap:1'])
    expect(log.stats().conversations).toBe(3)
    await log.close()
  })

  it('at its cap of events per conversation forgets the oldest events', async () => {
    const evicted: string[] = []
    const log = createMemoryLog({
      maxEventsPerConversation: 3,
      onEvict: (reason, count) => evicted.push(`${reason}:${count}`),
    })
    for (const text of ['1', '2', '3', '4', '5']) {
      await log.append('a', { type: 'message', author: 'agent', messageId: text, text })
    }
    const kept = await log.readAfter('a', 0)
    expect(kept.map((e) => (e.type === 'message' ? e.text : e.type))).toEqual(['3', '4', '5'])
    expect(evicted).toEqual(['event-cap:1', 'event-cap:1'])
    expect(log.stats()).toMatchObject({ conversations: 1, events: 3 })
    // Ids go on from the last one, not from what is kept.
    const next = await log.append('a', { type: 'accepted' })
    expect(next!.id).toBeGreaterThan(kept.at(-1)!.id)
    await log.close()
  })
})

describe('memory event log (its byte budget)', () => {
  const kb30 = 'Olá, o meu pedido 4411 ainda não chegou a Lisboa. '.repeat(620)
  const agentSays = (id: string, text: string) =>
    ({ type: 'message', author: 'agent', messageId: id, text }) as const

  it('fed 5 MB of triggers for unopened interactions, stays within 1 MB and the live conversation keeps every event', async () => {
    const evicted: Record<string, number> = {}
    const budget = 1024 * 1024
    const log = createMemoryLog({
      maxBytes: budget,
      onEvict: (reason, count) => {
        evicted[reason] = (evicted[reason] ?? 0) + count
      },
    })
    await log.open('live')
    let most = 0
    let sent = 0
    for (let i = 0; i < 170; i++) {
      await log.append(`stranger-${i}`, agentSays(`s${i}`, kb30), `agent-message:s${i}`)
      if (i % 10 === 0) await log.append('live', agentSays(`l${i}`, `live ${i}`), `l${i}`)
      if (i % 10 === 0) sent++
      most = Math.max(most, log.stats().bytes)
    }
    expect(170 * kb30.length).toBeGreaterThan(5 * 1024 * 1024)
    expect(most).toBeLessThanOrEqual(budget)
    const live = await log.readAfter('live', 0)
    expect(live.map((e) => (e.type === 'message' ? e.text : e.type))).toEqual(
      Array.from({ length: sent }, (_, k) => `live ${k * 10}`),
    )
    expect(await log.droppedThrough('live')).toBe(0)
    // The newest strangers are held, the oldest went: counted as the budget's.
    expect(await log.status('stranger-169')).not.toBeNull()
    expect(await log.status('stranger-0')).toBeNull()
    const held = log.stats().conversations - 1
    expect(evicted).toEqual({ budget: 170 - held })
    await log.close()
  })

  it('under the unopened caps, those go for their own reason before the budget is reached', async () => {
    const evicted: Record<string, number> = {}
    const log = createMemoryLog({
      maxBytes: 1024 * 1024,
      unopenedMaxBytes: 256 * 1024,
      onEvict: (reason, count) => {
        evicted[reason] = (evicted[reason] ?? 0) + count
      },
    })
    for (let i = 0; i < 50; i++) await log.append(`stranger-${i}`, agentSays(`s${i}`, kb30))
    expect(log.stats().bytes).toBeLessThanOrEqual(256 * 1024)
    expect(log.stats().conversations).toBeGreaterThanOrEqual(7)
    expect(evicted).toEqual({ 'unopened-cap': 50 - log.stats().conversations })
    await log.close()
  })

  it('past the budget forgets unopened ones first, then the least recently active ended ones, never open ones', async () => {
    let t = 0
    const evicted: string[] = []
    const log = createMemoryLog({
      now: () => t++,
      maxBytes: 200 * 1024,
      onEvict: (reason, count) => evicted.push(`${reason}:${count}`),
    })
    for (const id of ['ended-old', 'ended-new', 'open-old', 'watched']) await log.open(id)
    log.subscribe('watched', () => {})
    await log.append('ended-old', agentSays('a', kb30))
    await log.append('ended-old', { type: 'finished', by: 'agent' }, 'finished')
    await log.append('ended-new', agentSays('b', kb30))
    await log.append('ended-new', { type: 'finished', by: 'agent' }, 'finished')
    await log.append('open-old', agentSays('c', kb30))
    await log.append('watched', agentSays('d', kb30))
    await log.append('stranger', agentSays('e', kb30))
    expect(evicted).toEqual([])
    // An open conversation grows: the stranger goes, then the least recently active ended one.
    await log.open('open-new')
    for (const text of ['f', 'g', 'h']) await log.append('open-new', agentSays(text, kb30))
    expect(await log.status('stranger')).toBeNull()
    expect(await log.status('ended-old')).toBeNull()
    expect(await log.status('ended-new')).not.toBeNull()
    expect(evicted).toEqual(['budget:1', 'budget:1'])
    // Open ones keep their events, even past the budget: it bounds what can go, and says so.
    for (const text of ['i', 'j', 'k', 'l']) await log.append('open-old', agentSays(text, kb30))
    expect(await log.status('ended-new')).toBeNull()
    expect((await log.readAfter('open-old', 0)).length).toBe(5)
    expect((await log.readAfter('watched', 0)).length).toBe(1)
    expect(log.stats().bytes).toBeGreaterThan(200 * 1024)
    await log.close()
  })

  it('counts the de-duplication keys of trimmed messages out with them', async () => {
    let t = 1_700_000_000_000
    const log = createMemoryLog({ maxEventsPerConversation: 10, now: () => t++ })
    await log.open('a')
    // All the same size: ids, times and keys of the same length.
    const message = (i: number) => {
      const n = String(i).padStart(4, '0')
      return { type: 'message', author: 'agent', messageId: n, text: n } as const
    }
    const appendMessage = (i: number) =>
      log.append('a', message(i), `agent-message:${String(i).padStart(4, '0')}`)
    for (let i = 1; i <= 10; i++) await appendMessage(i)
    const full = log.stats().bytes
    for (let i = 11; i <= 500; i++) await appendMessage(i)
    expect((await log.status('a'))!.keys.size).toBe(10)
    expect(log.stats().bytes).toBe(full)
    await log.close()
  })
})
