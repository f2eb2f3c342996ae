import { describe, expect, it, vi } from 'vitest'
import { createServerClock, estimateOffset } from './server-clock.ts'

const received = Date.parse('2025-01-01T12:00:00.000Z')

describe('estimateOffset', () => {
  it('reads an HTTP date a minute behind the page as the middle of that second', () => {
    expect(estimateOffset('Wed, 01 Jan 2025 11:59:00 GMT', received)).toBe(-60_000 + 500)
  })

  it('reads an HTTP date a minute ahead of the page', () => {
    expect(estimateOffset('Wed, 01 Jan 2025 12:01:00 GMT', received)).toBe(60_000 + 500)
  })

  it('has no estimate without a readable header', () => {
    expect(estimateOffset(null, received)).toBeUndefined()
    expect(estimateOffset('', received)).toBeUndefined()
    expect(estimateOffset('yesterday-ish', received)).toBeUndefined()
  })
})

describe('createServerClock', () => {
  const reply = (headers: Record<string, string>) => new Response(null, { status: 204, headers })

  it("follows the latest response's Date header and keeps it when one has none", async () => {
    let page = received
    const replies = [
      reply({ Date: 'Wed, 01 Jan 2025 11:59:00 GMT' }),
      reply({}),
      reply({ Date: 'garbage' }),
      reply({ Date: 'Wed, 01 Jan 2025 12:00:30 GMT' }),
    ]
    const fetch = vi.fn(async () => replies.shift() ?? reply({}))
    const clock = createServerClock(fetch, () => page)
    expect(clock.now()).toBe(received)

    const response = await clock.fetch('https://proxy.test/x', { method: 'PUT' })
    expect(fetch).toHaveBeenCalledWith('https://proxy.test/x', { method: 'PUT' })
    expect(response.status).toBe(204)
    expect(clock.now()).toBe(received - 59_500)

    page += 10_000
    await clock.fetch('https://proxy.test/x')
    await clock.fetch('https://proxy.test/x')
    expect(clock.now()).toBe(received + 10_000 - 59_500)

    await clock.fetch('https://proxy.test/x')
    expect(clock.now()).toBe(received + 10_000 + 20_500)
  })
})
