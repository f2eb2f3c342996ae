/**
 * Transcripts in memory, for a single proxy process (no REDIS_URL). Lost with the process, as its
 * event log is. Besides each transcript's own caps, all of them together hold at most
 * `maxTotalBytes` (64 MiB by default): past it the least recently written go first, so a busy month
 * cannot grow the process without bound. A deployment that must keep every transcript its whole
 * retention keeps them on Redis.
 */
import {
  type KeptMessage,
  type Transcript,
  type TranscriptBounds,
  type TranscriptStore,
  toKept,
  transcriptDefaults,
} from './store.ts'

export type MemoryTranscriptsOptions = Partial<TranscriptBounds> & {
  maxTotalBytes?: number
  sweepEveryMs?: number
  now?: () => number
}

type Entry = Transcript & { bytes: number; expiresAt: number }

/** What an entry costs besides its messages' JSON: the record, its map slot, the end and rating. */
const entryOverhead = 512

export type MemoryTranscripts = TranscriptStore & { sweep(): void }

export function createMemoryTranscripts({
  retentionMs = transcriptDefaults.retentionMs,
  maxMessages = transcriptDefaults.maxMessages,
  maxBytes = transcriptDefaults.maxBytes,
  maxTotalBytes = 64 * 1024 * 1024,
  sweepEveryMs = 60_000,
  now = Date.now,
}: MemoryTranscriptsOptions = {}): MemoryTranscripts {
  /** In order of last write: a write moves an entry to the end. */
  const entries = new Map<string, Entry>()
  /** Bytes of every message JSON held, and each entry's overhead. */
  let total = 0
  const sizes = new WeakMap<KeptMessage, number>()

  const cost = (e: Entry) => e.bytes + entryOverhead

  function forget(id: string, e: Entry) {
    entries.delete(id)
    total -= cost(e)
  }

  function live(id: string): Entry | undefined {
    const e = entries.get(id)
    if (e && e.expiresAt <= now()) {
      forget(id, e)
      return undefined
    }
    return e
  }

  /** Renews the entry's retention and moves it to the end; then makes room in the whole store. */
  function touch(id: string, e: Entry) {
    e.expiresAt = now() + retentionMs
    entries.delete(id)
    entries.set(id, e)
    for (const [other, o] of entries) {
      if (total <= maxTotalBytes || other === id) break
      forget(other, o)
    }
  }

  function sweep() {
    const t = now()
    // In order of last write: the first one still kept means the rest are too.
    for (const [id, e] of entries) {
      if (e.expiresAt > t) break
      forget(id, e)
    }
  }
  const timer = setInterval(sweep, sweepEveryMs)
  timer.unref()

  return {
    sweep,
    async begin(id, { owner, previous } = {}) {
      let e = live(id)
      if (!e) {
        e = {
          messages: [],
          dropped: 0,
          ended: null,
          rated: null,
          owner: null,
          bytes: 0,
          expiresAt: 0,
        }
        total += cost(e)
      }
      if (owner !== undefined) e.owner ??= owner
      if (previous) e.previous = previous
      touch(id, e)
    },
    async record(id, event) {
      const e = live(id)
      const kept = toKept(event)
      if (!e || !kept) return
      if (kept.type === 'message') {
        const size = Buffer.byteLength(JSON.stringify(kept))
        sizes.set(kept, size)
        e.messages.push(kept)
        e.bytes += size
        total += size
        while (e.messages.length > maxMessages || e.bytes > maxBytes) {
          const old = e.messages.shift()
          if (!old) break
          const oldSize = sizes.get(old) ?? 0
          e.bytes -= oldSize
          total -= oldSize
          e.dropped++
        }
      } else if (kept.type === 'rated') e.rated ??= kept
      else e.ended ??= kept
      touch(id, e)
    },
    async read(id) {
      const e = live(id)
      if (!e) return null
      return {
        messages: [...e.messages].sort((a, b) => a.id - b.id),
        dropped: e.dropped,
        ended: e.ended,
        rated: e.rated,
        owner: e.owner,
        ...(e.previous && { previous: e.previous }),
      }
    },
    async erase(id) {
      const e = entries.get(id)
      if (e) forget(id, e)
    },
    async close() {
      clearInterval(timer)
      entries.clear()
      total = 0
    },
  }
}
