import { describe, expect, it } from 'vitest'
import type { LoggedEvent } from '../protocol/wire.ts'
import { createMemoryLog } from './memory.ts'

describe('memory event log', () => {
  it('numbers events per conversation and reads after an id', async () => {
    const log = createMemoryLog()
    await log.open('a')
    await log.append('a', { type: 'queued', position: 1 })
    await log.append('b', { type: 'accepted' })
    await log.append('a', { type: 'accepted' })
    const [first, second] = await log.readAfter('a', 0)
    expect(second!.id).toBeGreaterThan(first!.id)
    expect((await log.readAfter('a', first!.id)).map((e) => e.type)).toEqual(['accepted'])
    expect((await log.readAfter('b', 0)).map((e) => e.type)).toEqual(['accepted'])
    expect(await log.readAfter('a', second!.id)).toEqual([])
    await log.close()
  })

  it('numbers events above any id an earlier process handed out, even within one millisecond', async () => {
    let t = 1_000_000
    const before = createMemoryLog({ now: () => t })
    const a = await before.append('a', { type: 'accepted' })
    const b = await before.append('a', { type: 'typing' })
    expect(b!.id).toBe(a!.id + 1)
    await before.close()
    // A restart empties the log; the clock has moved on, and so do the ids.
    t += 5
    const after = createMemoryLog({ now: () => t })
    const c = await after.append('a', { type: 'cleared' })
    expect(c!.id).toBeGreaterThan(b!.id)
    await after.close()
  })

  it('stores a keyed event once and ignores what no longer matters after the end', async () => {
    const log = createMemoryLog()
    const seen: LoggedEvent[] = []
    log.subscribe('a', (e) => seen.push(e))
    expect(await log.append('a', { type: 'finished', by: 'agent' }, 'finished')).not.toBeNull()
    expect(await log.append('a', { type: 'finished', by: 'visitor' }, 'finished')).toBeNull()
    expect(await log.append('a', { type: 'typing' })).toBeNull()
    expect(
      await log.append(
        'a',
        { type: 'message', author: 'agent', messageId: 'm', text: 'late' },
        'agent-message:m',
      ),
    ).not.toBeNull()
    expect(seen.map((e) => e.type)).toEqual(['finished', 'message'])
    expect((await log.status('a'))?.ended).toBe(true)
    await log.close()
  })

  it('forgets idle conversations, unopened ones sooner', async () => {
    let t = 0
    const log = createMemoryLog({ now: () => t, retentionMs: 1000, unopenedMs: 100 })
    await log.open('opened')
    await log.append('stray', { type: 'accepted' })
    t = 500
    log.sweep()
    expect(await log.status('stray')).toBeNull()
    expect(await log.status('opened')).not.toBeNull()
    t = 2000
    log.sweep()
    expect(await log.status('opened')).toBeNull()
    await log.close()
  })

  it('at its cap drops momentary events but never a message or the end', async () => {
    const log = createMemoryLog({ maxEventsPerConversation: 2 })
    await log.append('a', { type: 'queued', position: 1 })
    await log.append('a', { type: 'accepted' })
    expect(await log.append('a', { type: 'typing' })).toBeNull()
    expect(
      await log.append('a', { type: 'message', author: 'agent', messageId: 'm', text: 'hi' }),
    ).not.toBeNull()
    expect(await log.append('a', { type: 'finished', by: 'agent' }, 'finished')).not.toBeNull()
    expect((await log.status('a'))?.ended).toBe(true)
    await log.close()
  })
})
