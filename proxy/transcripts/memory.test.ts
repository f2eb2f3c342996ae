import { describe, expect, it } from 'vitest'
import { describeTranscriptStore } from '../testing/transcript-store-suite.ts'
import { createMemoryTranscripts, type MemoryTranscripts } from './memory.ts'

/** One process, one store: a second instance "on the same store" is the same object, until closed. */
let current: { store: MemoryTranscripts; closed: boolean } | null = null
describeTranscriptStore('memory', async ({ sameStore, ...options }) => {
  if (sameStore && current && !current.closed) return current.store
  const store = createMemoryTranscripts(options)
  const entry = { store, closed: false }
  const close = store.close
  store.close = async () => {
    entry.closed = true
    await close()
  }
  current = entry
  return store
})

const said = (id: number, text: string) =>
  ({
    id,
    at: new Date(id).toISOString(),
    type: 'message',
    author: 'visitor',
    messageId: `v-${id}`,
    text,
  }) as const

describe('memory transcript store (its own bounds)', () => {
  it('renews a transcript with each write, and the sweep lets go of what has expired', async () => {
    let t = 0
    const store = createMemoryTranscripts({ retentionMs: 1000, now: () => t })
    await store.begin('quiet')
    await store.begin('talking')
    t = 800
    await store.record('talking', said(1, 'still here'))
    t = 1500
    store.sweep()
    expect(await store.read('quiet')).toBeNull()
    expect(await store.read('talking')).not.toBeNull()
    t = 1900
    store.sweep()
    expect(await store.read('talking')).toBeNull()
    await store.close()
  })

  it('past its total size lets go of the least recently written transcripts first', async () => {
    const store = createMemoryTranscripts({ maxTotalBytes: 6000, maxBytes: 4000 })
    for (const id of ['old', 'middle', 'new']) await store.begin(id)
    await store.record('old', said(1, 'x'.repeat(1500)))
    await store.record('middle', said(2, 'x'.repeat(1500)))
    await store.record('old', said(3, 'touched again'))
    await store.record('new', said(4, 'x'.repeat(1500)))
    await store.record('new', said(5, 'x'.repeat(1500)))
    expect(await store.read('middle')).toBeNull()
    expect(await store.read('old')).not.toBeNull()
    expect(await store.read('new')).not.toBeNull()
    await store.close()
  })
})
