import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { readHistoryTime } from './history.ts'
import type { HistoryView, Interaction } from './interactions.ts'
import { eventually, type Setup, setup, startFileServer } from './testing/support.ts'

// The seed's example (docs/zchat/seed/clientapi-v1.md#external-history).
const valid = {
  messages: [
    { time: '2019-03-14 00:00:01', direction: 'CLIENT', content: 'client message here' },
    { time: '2019-03-14 00:00:10', direction: 'AGENT', content: 'agent answer here' },
  ],
}
// Read as Brasília time by default: UTC-3 in March 2019.
const seen = [
  { ...valid.messages[0], at: '2019-03-14T03:00:01.000Z' },
  { ...valid.messages[1], at: '2019-03-14T03:00:10.000Z' },
]
// `/valid` answers only once the test has seen the interaction waiting for it.
let release: (() => void) | null = null
const answers: Record<string, { status: number; body: string; delayMs?: number }> = {
  '/valid': { status: 200, body: JSON.stringify(valid) },
  '/bad-time': {
    status: 200,
    body: JSON.stringify({ messages: [{ ...valid.messages[0], time: 'yesterday' }] }),
  },
  '/error': { status: 500, body: '{}' },
  '/html': { status: 200, body: '<html></html>' },
  '/slow': { status: 200, body: JSON.stringify(valid), delayMs: 3000 },
}

let s: Setup
let files: Awaited<ReturnType<typeof startFileServer>>
beforeAll(async () => {
  s = await setup({ historyTimeoutMs: 1000 })
  files = await startFileServer(async (path) => {
    if (path === '/valid') await new Promise<void>((resolve) => (release = resolve))
    return answers[path] ?? { status: 404, body: '{}' }
  })
})
afterAll(async () => {
  await s.close()
  await files.close()
})
beforeEach(async () => {
  release = null
  await s.reset()
})

async function history(hash: string): Promise<HistoryView | null> {
  return ((await s.control('GET', `/interactions/${hash}`)).json as Interaction).externalHistory
}

describe('external history', () => {
  it('GETs the URL after answering and keeps the messages for the agent', async () => {
    const url = `${files.url}/valid`
    const hash = await s.start({ external_history: url })
    expect(await history(hash)).toEqual({ url })
    await eventually(() => expect(release).not.toBeNull())
    release?.()
    await eventually(async () =>
      expect(await history(hash)).toEqual({ url, messages: seen, fetches: 1 }),
    )
  })

  it.each([
    ['/bad-time', /contract \(messages\.0\.time/],
    ['/error', /HTTP 500/],
    ['/html', /not answer JSON/],
    ['/slow', /within 1000 ms/],
  ])('keeps a readable error when %s fails', async (path, error) => {
    const hash = await s.start({ external_history: `${files.url}${path}` })
    await eventually(async () => expect((await history(hash))?.error).toMatch(error))
    expect(await history(hash)).not.toHaveProperty('messages')
  })

  it('keeps an error when the URL cannot be reached', async () => {
    const gone = await startFileServer(() => ({ status: 200, body: '{}' }))
    await gone.close()
    const hash = await s.start({ external_history: gone.url })
    await eventually(async () =>
      expect((await history(hash))?.error).toMatch(/could not be reached/),
    )
  })

  it("reads the times in the historyTimeZone fault's zone", async () => {
    await s.control('POST', '/faults', { historyTimeZone: 'UTC' })
    const url = `${files.url}/valid`
    const hash = await s.start({ external_history: url })
    await eventually(() => expect(release).not.toBeNull())
    release?.()
    await eventually(async () =>
      expect((await history(hash))?.messages).toEqual([
        { ...valid.messages[0], at: '2019-03-14T00:00:01.000Z' },
        { ...valid.messages[1], at: '2019-03-14T00:00:10.000Z' },
      ]),
    )
  })

  it('is null when no URL was given', async () => {
    expect(await history(await s.start())).toBeNull()
  })
})

describe('readHistoryTime', () => {
  it('reads a zone-less time as wall-clock time in the zone', () => {
    expect(readHistoryTime('2019-03-14 00:00:01', 'UTC')).toBe('2019-03-14T00:00:01.000Z')
    expect(readHistoryTime('2019-03-14 00:00:01', 'America/Sao_Paulo')).toBe(
      '2019-03-14T03:00:01.000Z',
    )
    // Brasília kept daylight-saving time until 2019: UTC-2 in January 2018.
    expect(readHistoryTime('2018-01-10 12:00:00', 'America/Sao_Paulo')).toBe(
      '2018-01-10T14:00:00.000Z',
    )
    expect(readHistoryTime('2024-07-01 09:30:00', 'Asia/Kolkata')).toBe('2024-07-01T04:00:00.000Z')
  })

  it('is null for a time no clock shows', () => {
    expect(readHistoryTime('2019-02-30 00:00:00', 'UTC')).toBeNull()
    expect(readHistoryTime('2019-03-14 24:00:00', 'UTC')).toBeNull()
    // New York skips 02:00-03:00 on 10 March 2024.
    expect(readHistoryTime('2024-03-10 02:30:00', 'America/New_York')).toBeNull()
    expect(readHistoryTime('2024-03-10 03:30:00', 'America/New_York')).toBe(
      '2024-03-10T07:30:00.000Z',
    )
  })

  it('picks one of the two instants of an hour a clock shows twice', () => {
    expect(['2024-11-03T05:30:00.000Z', '2024-11-03T06:30:00.000Z']).toContain(
      readHistoryTime('2024-11-03 01:30:00', 'America/New_York'),
    )
  })
})
