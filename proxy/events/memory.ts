/**
 * In-memory event log for a single proxy process. Bounded in count and in bytes, and every eviction
 * is reported:
 * - an ended conversation is kept `endedRetentionMs` after its last activity, then forgotten;
 * - one with no activity and no open stream is forgotten after `idleRetentionMs`;
 * - triggers for interactions never opened here (the webhook serves the whole zChat account, so
 *   other channels' interactions arrive too) after `unopenedMs`. They are kept that long at all
 *   because zChat may send `queued` before its start call has answered us;
 * - past `maxConversations`, the least recently active go first: ended ones, then unopened ones,
 *   then open ones nobody is watching;
 * - past `maxEventsPerConversation` events or `maxBytesPerConversation` bytes, a conversation's
 *   oldest events go (its newest stays, however large: the body limits bound it), and the
 *   de-duplication keys of the messages among them with them (the once-only keys, `rated`,
 *   `finished`, stay);
 * - interactions never opened here hold at most `unopenedMaxConversations` conversations and
 *   `unopenedMaxBytes` bytes together: a flood of triggers for other interactions (issue 18: 20,000
 *   of 30 KB held 600 MB) keeps the newest of them, and the least recently active go;
 * - past `maxBytes` in all, those never opened here go first, then the least recently active ended
 *   ones (their transcripts answer for them); open ones keep their events, so the budget must sit
 *   above what the live conversations hold (`bytes` in stats(), a gauge in /metrics).
 * Bytes are what an entry holds as counted at append: each event's size as JSON (its strings as V8
 * stores them: one byte a character, two once one needs them), its de-duplication key and fixed
 * overheads for the objects around them. An estimate of the heap (within about a tenth, measured
 * in docs/operations.md "Memory"), not a measure of it.
 * A forgotten conversation still resumes: an ended one from its transcript, kept apart and much
 * longer (transcripts/), any other taken up again by its credential (routes/conversation.ts).
 */

import type { LoggedEvent } from '../../protocol/wire.ts'
import {
  type EventLog,
  type EvictionReason,
  endingEvents,
  type Listener,
  logDefaults,
  mattersAfterEnd,
} from './log.ts'

/**
 * Ids are the log time in ms, bumped by one when two events share a millisecond: monotonic within a
 * process and, because the clock moves on, above every id an earlier process handed out. So after a
 * restart (which empties this log) a widget resuming with its Last-Event-ID still gets what is new.
 */
export function nextId(lastId: number, nowMs: number): number {
  return Math.max(lastId + 1, nowMs)
}

/** Index of the first event with an id above `afterId` (events are sorted by id). */
function firstAfter(events: readonly LoggedEvent[], afterId: number): number {
  let low = 0
  let high = events.length
  while (low < high) {
    const mid = (low + high) >>> 1
    if (events[mid]!.id <= afterId) low = mid + 1
    else high = mid
  }
  return low
}

/** What an entry holds besides its events and keys: the record, its arrays, sets and map slot. */
const entryOverhead = 512
/** What an event holds besides its JSON: the object, its array slots, its size. */
const eventOverhead = 96
/** What a de-duplication key holds besides its characters: the string's header, its set slot. */
const keyOverhead = 40

/** Bytes V8 holds for `text`: one a character, or two for all once any needs more than Latin-1. */
const heldBytes = (text: string) => (/[\u0100-\uffff]/.test(text) ? 2 : 1) * text.length

/**
 * About `value`'s JSON size, strings counted as V8 holds them (heldBytes) and numbers and the like
 * by a fixed 16. Walked, not serialized: JSON.stringify of a 30 KB text takes about 200 µs, ten
 * times all the rest of an append, where the walk reads each string's length.
 */
function sizeOf(value: unknown): number {
  if (typeof value === 'string') return heldBytes(value) + 2
  if (typeof value !== 'object' || value === null) return 16
  let size = 2
  for (const key of Object.keys(value)) {
    size += key.length + 2 + sizeOf((value as Record<string, unknown>)[key])
  }
  return size
}

type Kind = 'unopened' | 'open' | 'ended'

type Entry = {
  id: string
  /** An interaction never opened here stays `unopened` when it ends: under their caps, gone first. */
  kind: Kind
  /** An ending event came (whatever the kind): what comes after is stored only if it matters. */
  ended: boolean
  events: LoggedEvent[]
  lastId: number
  trimmedId: number
  /** Each event's counted size, in step with `events`. */
  sizes: number[]
  /** The sum of `sizes`. */
  eventBytes: number
  /** All the entry holds as counted: events, keys, overhead. */
  bytes: number
  keys: Set<string>
  /** The keys of the messages still held, oldest first: each goes when its event is trimmed. */
  messageKeys: Array<{ id: number; key: string }>
  listeners: Set<Listener>
  touchedAt: number
}

export type MemoryLogOptions = {
  endedRetentionMs?: number
  idleRetentionMs?: number
  unopenedMs?: number
  maxConversations?: number
  maxEventsPerConversation?: number
  maxBytesPerConversation?: number
  unopenedMaxConversations?: number
  unopenedMaxBytes?: number
  maxBytes?: number
  sweepEveryMs?: number
  now?: () => number
  onEvict?: (reason: EvictionReason, count: number) => void
}

export type MemoryLog = EventLog & { sweep(): void }

export function createMemoryLog({
  endedRetentionMs = logDefaults.endedRetentionMs,
  idleRetentionMs = logDefaults.idleRetentionMs,
  unopenedMs = logDefaults.unopenedMs,
  maxConversations = 20_000,
  maxEventsPerConversation = logDefaults.maxEventsPerConversation,
  maxBytesPerConversation = logDefaults.maxBytesPerConversation,
  unopenedMaxConversations = logDefaults.unopenedMaxConversations,
  unopenedMaxBytes = logDefaults.unopenedMaxBytes,
  maxBytes = logDefaults.maxBytes,
  sweepEveryMs = 30_000,
  now = Date.now,
  onEvict = () => {},
}: MemoryLogOptions = {}): MemoryLog {
  /** One map per kind, each in order of last activity (a touch moves an entry to the end). */
  const byKind: Record<Kind, Map<string, Entry>> = {
    unopened: new Map(),
    open: new Map(),
    ended: new Map(),
  }
  const ttl: Record<Kind, number> = {
    unopened: unopenedMs,
    open: idleRetentionMs,
    ended: endedRetentionMs,
  }
  const reasonOf: Record<Kind, EvictionReason> = {
    unopened: 'unopened',
    open: 'idle',
    ended: 'ended',
  }
  let eventCount = 0
  /** Bytes counted per kind: what each kind's entries hold. */
  const bytesOf: Record<Kind, number> = { unopened: 0, open: 0, ended: 0 }
  const totalBytes = () => bytesOf.unopened + bytesOf.open + bytesOf.ended
  /** `<conversation>\n<key>` -> when the claim lapses. Few and short-lived: pruned as they are met. */
  const claims = new Map<string, number>()

  const find = (id: string) =>
    byKind.open.get(id) ?? byKind.ended.get(id) ?? byKind.unopened.get(id)
  const size = () => byKind.open.size + byKind.ended.size + byKind.unopened.size

  function place(e: Entry, kind: Kind) {
    byKind[e.kind].delete(e.id)
    bytesOf[e.kind] -= e.bytes
    bytesOf[kind] += e.bytes
    e.kind = kind
    e.touchedAt = now()
    byKind[kind].set(e.id, e)
  }

  function forget(e: Entry) {
    byKind[e.kind].delete(e.id)
    bytesOf[e.kind] -= e.bytes
    eventCount -= e.events.length
  }

  function grow(e: Entry, bytes: number) {
    e.bytes += bytes
    bytesOf[e.kind] += bytes
  }

  /** Past its caps of events and bytes, the entry's oldest events go; its newest stays. */
  function trim(e: Entry) {
    let over = Math.max(0, e.events.length - maxEventsPerConversation)
    let kept = e.eventBytes
    for (let i = 0; i < over; i++) kept -= e.sizes[i]!
    while (kept > maxBytesPerConversation && over < e.events.length - 1) kept -= e.sizes[over++]!
    if (over === 0) return
    e.trimmedId = e.events[over - 1]!.id
    e.events.splice(0, over)
    e.sizes.splice(0, over)
    grow(e, kept - e.eventBytes)
    e.eventBytes = kept
    eventCount -= over
    // A repeat of a message no longer held would be stored again: as rare as it is harmless.
    let keyBytes = 0
    while (e.messageKeys[0] && e.messageKeys[0].id <= e.trimmedId) {
      const { key } = e.messageKeys.shift()!
      if (e.keys.delete(key)) keyBytes += heldBytes(key) + keyOverhead
    }
    grow(e, -keyBytes)
    onEvict('event-cap', over)
  }

  /** Forgets the least recently active of `kind` while `over()`, but never `keep` or a watched one. */
  function evictWhile(kind: Kind, reason: EvictionReason, over: () => boolean, keep: Entry) {
    let evicted = 0
    for (const e of byKind[kind].values()) {
      if (!over()) break
      if (e === keep || e.listeners.size > 0) continue
      forget(e)
      evicted++
    }
    if (evicted > 0) onEvict(reason, evicted)
  }

  const unopenedOver = () =>
    byKind.unopened.size > unopenedMaxConversations || bytesOf.unopened > unopenedMaxBytes
  const budgetOver = () => totalBytes() > maxBytes

  /**
   * After `current` grew: unopened ones past their own caps, then past the budget unopened ones
   * again and ended ones, least recently active first. Open ones are never forgotten for bytes.
   */
  function keepWithinBytes(current: Entry) {
    evictWhile('unopened', 'unopened-cap', unopenedOver, current)
    if (!budgetOver()) return
    evictWhile('unopened', 'budget', budgetOver, current)
    evictWhile('ended', 'budget', budgetOver, current)
  }

  /** Makes room for one more conversation: least recently active first, watched ones never. */
  function makeRoom() {
    for (const kind of ['ended', 'unopened', 'open'] as const) {
      for (const e of byKind[kind].values()) {
        if (size() < maxConversations) return
        if (e.listeners.size > 0) continue
        forget(e)
        onEvict('cap', 1)
      }
    }
  }

  function entry(id: string): Entry {
    const found = find(id)
    if (found) {
      place(found, found.kind)
      return found
    }
    if (size() >= maxConversations) makeRoom()
    const created: Entry = {
      id,
      kind: 'unopened',
      ended: false,
      events: [],
      lastId: 0,
      trimmedId: 0,
      sizes: [],
      eventBytes: 0,
      bytes: entryOverhead,
      keys: new Set(),
      messageKeys: [],
      listeners: new Set(),
      touchedAt: now(),
    }
    byKind.unopened.set(id, created)
    bytesOf.unopened += entryOverhead
    return created
  }

  function sweep() {
    const t = now()
    for (const [name, until] of claims) if (until <= t) claims.delete(name)
    for (const kind of ['unopened', 'open', 'ended'] as const) {
      let evicted = 0
      for (const e of byKind[kind].values()) {
        // In order of activity: the first recent one means the rest are recent too.
        if (t - e.touchedAt <= ttl[kind]) break
        if (e.listeners.size > 0) continue
        forget(e)
        evicted++
      }
      if (evicted > 0) onEvict(reasonOf[kind], evicted)
    }
  }
  const timer = setInterval(sweep, sweepEveryMs)
  timer.unref()

  return {
    sweep,
    async open(id) {
      const e = entry(id)
      if (e.kind === 'unopened') place(e, e.ended ? 'ended' : 'open')
    },
    async status(id) {
      const e = find(id)
      return e ? { opened: e.kind !== 'unopened', ended: e.ended, keys: e.keys } : null
    },
    async append(id, event, dedupeKey) {
      const e = entry(id)
      if (dedupeKey && e.keys.has(dedupeKey)) return null
      if (e.ended && !mattersAfterEnd(event)) return null
      if (dedupeKey) {
        e.keys.add(dedupeKey)
        grow(e, heldBytes(dedupeKey) + keyOverhead)
      }
      if (endingEvents.has(event.type)) {
        e.ended = true
        // Never opened here: it stays among the unopened, or ending triggers would get round their
        // caps (and their two minutes); opened later, it is ended (open above).
        if (e.kind !== 'unopened') place(e, 'ended')
      }
      const t = now()
      // id and at first: V8 copies `{ ...event, id, at }` several times slower (docs/benchmarks.md).
      const logged: LoggedEvent = {
        id: nextId(e.lastId, t),
        at: new Date(t).toISOString(),
        ...event,
      }
      e.lastId = logged.id
      e.events.push(logged)
      if (dedupeKey && event.type === 'message')
        e.messageKeys.push({ id: logged.id, key: dedupeKey })
      // Counted once, here: what the event holds for as long as it is kept.
      const size = sizeOf(logged) + eventOverhead
      e.sizes.push(size)
      e.eventBytes += size
      grow(e, size)
      eventCount++
      trim(e)
      keepWithinBytes(e)
      for (const listener of e.listeners) listener(logged)
      return logged
    },
    async readAfter(id, afterId, limit) {
      const events = find(id)?.events ?? []
      const first = firstAfter(events, afterId)
      return events.slice(first, limit === undefined ? undefined : first + limit)
    },
    async claim(id, key, ttlMs) {
      const name = `${id}\n${key}`
      const t = now()
      if ((claims.get(name) ?? 0) > t) return false
      claims.set(name, t + ttlMs)
      return true
    },
    async release(id, key) {
      claims.delete(`${id}\n${key}`)
    },
    async droppedThrough(id) {
      return find(id)?.trimmedId ?? 0
    },
    async erase(id) {
      const e = find(id)
      if (e) forget(e)
      return e?.events.length ?? 0
    },
    subscribe(id, listener) {
      const e = entry(id)
      e.listeners.add(listener)
      return () => {
        e.listeners.delete(listener)
        if (find(id) === e) place(e, e.kind)
      }
    },
    async healthy() {
      return true
    },
    stats() {
      return { conversations: size(), events: eventCount, bytes: totalBytes() }
    },
    async close() {
      clearInterval(timer)
      for (const map of Object.values(byKind)) map.clear()
      claims.clear()
      eventCount = 0
      bytesOf.unopened = bytesOf.open = bytesOf.ended = 0
    },
  }
}
