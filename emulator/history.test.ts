import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { HistoryView, Interaction } from './interactions.ts'
import { eventually, type Setup, setup, startFileServer } from './testing/support.ts'

const valid = {
  messages: [
    { time: '2019-03-14 00:00:01', direction: 'CLIENT', content: 'client message here' },
    { time: '2019-03-14 00:00:10', direction: 'AGENT', content: 'agent answer here' },
  ],
}
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
beforeEach(() => s.reset())

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
    await eventually(async () => expect(await history(hash)).toEqual({ url, ...valid, fetches: 1 }))
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

  it('is null when no URL was given', async () => {
    expect(await history(await s.start())).toBeNull()
  })
})
