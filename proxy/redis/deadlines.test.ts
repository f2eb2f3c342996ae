import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createDeadlines, RedisTimeoutError } from './deadlines.ts'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

/** A command whose answer the test gives. */
function command<T>() {
  let answer!: (value: T) => void
  let fail!: (error: Error) => void
  const promise = new Promise<T>((resolve, reject) => {
    answer = resolve
    fail = reject
  })
  return { promise, answer, fail }
}

describe('Redis command deadlines', () => {
  it('pass an answer on, and forget the command', async () => {
    const deadlines = createDeadlines()
    const c = command<string>()
    const answered = deadlines.within(c.promise, 5000)
    c.answer('PONG')
    await expect(answered).resolves.toBe('PONG')
    expect(deadlines.pending()).toBe(0)
    expect(vi.getTimerCount()).toBe(1)
    await vi.advanceTimersByTimeAsync(300)
    // Nothing in flight: the one timer stops too.
    expect(vi.getTimerCount()).toBe(0)
  })

  it('pass Redis’s own error on', async () => {
    const deadlines = createDeadlines()
    const c = command<string>()
    const answered = deadlines.within(c.promise, 5000)
    c.fail(new Error('ERR wrong number of arguments'))
    await expect(answered).rejects.toThrow('ERR wrong number of arguments')
  })

  it('fail a command unanswered past its time, and drop its late answer', async () => {
    const deadlines = createDeadlines({ checkEveryMs: 100 })
    const slow = command<string>()
    const quick = command<string>()
    const slowAnswer = deadlines.within(slow.promise, 1000)
    const quickAnswer = deadlines.within(quick.promise, 5000)
    const failed = expect(slowAnswer).rejects.toBeInstanceOf(RedisTimeoutError)
    await vi.advanceTimersByTimeAsync(900)
    expect(deadlines.pending()).toBe(2)
    await vi.advanceTimersByTimeAsync(200)
    await failed
    expect(deadlines.pending()).toBe(1)
    slow.answer('too late')
    quick.answer('OK')
    await expect(quickAnswer).resolves.toBe('OK')
  })

  it('keep one timer however many commands are in flight', async () => {
    const deadlines = createDeadlines()
    const commands = Array.from({ length: 1000 }, () => command<number>())
    const answers = commands.map((c) => deadlines.within(c.promise, 5000))
    expect(vi.getTimerCount()).toBe(1)
    for (const [i, c] of commands.entries()) c.answer(i)
    expect(await Promise.all(answers)).toEqual(commands.map((_, i) => i))
  })

  it('fail what is in flight when stopped', async () => {
    const deadlines = createDeadlines()
    const answered = deadlines.within(command<string>().promise, 5000)
    deadlines.stop()
    await expect(answered).rejects.toBeInstanceOf(RedisTimeoutError)
    expect(vi.getTimerCount()).toBe(0)
  })
})
