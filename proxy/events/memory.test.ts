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
    expect(log.stats()).toEqual({ conversations: 0, events: 0 })
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
    expect(log.stats()).toEqual({ conversations: 1, events: 3 })
    // Ids go on from the last one, not from what is kept.
    const next = await log.append('a', { type: 'accepted' })
    expect(next!.id).toBeGreaterThan(kept.at(-1)!.id)
    await log.close()
  })
})
