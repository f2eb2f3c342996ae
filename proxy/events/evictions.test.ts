import { afterEach, describe, expect, it, vi } from 'vitest'
import { createEvictionReport } from './evictions.ts'
import type { EvictionReason } from './log.ts'

afterEach(() => {
  vi.useRealTimers()
})

describe('the eviction report', () => {
  it('counts every eviction, and warns of those at the caps at once, then at most once a minute', () => {
    vi.useFakeTimers()
    const counted: string[] = []
    const warned: Partial<Record<EvictionReason, number>>[] = []
    const report = createEvictionReport({
      count: (reason, n) => counted.push(`${reason}:${n}`),
      warn: (evicted) => warned.push(evicted),
    })
    report.onEvict('unopened-cap', 1)
    expect(warned).toEqual([{ 'unopened-cap': 1 }])
    // A flood: one line for the rest of the minute, with what it forgot by reason.
    for (let i = 0; i < 1000; i++) report.onEvict('unopened-cap', 1)
    report.onEvict('budget', 2)
    // Retention running out is counted, never warned of.
    report.onEvict('unopened', 5)
    expect(warned).toHaveLength(1)
    vi.advanceTimersByTime(59_999)
    expect(warned).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(warned).toEqual([{ 'unopened-cap': 1 }, { 'unopened-cap': 1000, budget: 2 }])
    // A quiet minute: nothing to say, and the next eviction is told at once.
    vi.advanceTimersByTime(60_000)
    expect(warned).toHaveLength(2)
    report.onEvict('cap', 1)
    expect(warned.at(-1)).toEqual({ cap: 1 })
    expect(counted).toHaveLength(1004)
    expect(counted.at(-2)).toBe('unopened:5')
    report.stop()
  })
})
