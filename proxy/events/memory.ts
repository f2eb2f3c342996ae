/**
 * In-memory event log for a single proxy process. Bounded, and every eviction is reported:
 * - an ended conversation is kept `endedRetentionMs` after its last activity, then forgotten;
 * - one with no activity and no open stream is forgotten after `idleRetentionMs`;
 * - triggers for interactions never opened here (the webhook serves the whole zChat account, so
 *   other channels' interactions arrive too) after `unopenedMs`. They are kept that long at all
 *   because zChat may send `queued` before its start call has answered us;
 * - past `maxConversations`, the least recently active go first: ended ones, then unopened ones,
 *   then open ones nobody is watching;
 * - past `maxEventsPerConversation`, a conversation's oldest events go, and the de-duplication keys
 *   of the messages among them with them (the once-only keys, `rated`, `finished`, stay).
 * A forgotten conversation still resumes: an ended one from its transcript, kept apart and much
 * longer (transcripts/), any other taken up again by its credential (routes/conversation.ts).
 */

import type { LoggedEvent } from '../../protocol/wire.ts'
import { type EventLog, endingEvents, type Listener, logDefaults, mattersAfterEnd } from './log.ts'

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

/** Why a conversation (or an event) was forgotten: a label of the evictions metric. */
export type EvictionReason = 'ended' | 'idle' | 'unopened' | 'cap' | 'event-cap'

type Kind = 'unopened' | 'open' | 'ended'

type Entry = {
  id: string
  kind: Kind
  events: LoggedEvent[]
  lastId: number
  trimmedId: number
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
  /** `<conversation>\n<key>` -> when the claim lapses. Few and short-lived: pruned as they are met. */
  const claims = new Map<string, number>()

  const find = (id: string) =>
    byKind.open.get(id) ?? byKind.ended.get(id) ?? byKind.unopened.get(id)
  const size = () => byKind.open.size + byKind.ended.size + byKind.unopened.size

  function place(e: Entry, kind: Kind) {
    byKind[e.kind].delete(e.id)
    e.kind = kind
    e.touchedAt = now()
    byKind[kind].set(e.id, e)
  }

  function forget(e: Entry) {
    byKind[e.kind].delete(e.id)
    eventCount -= e.events.length
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
      events: [],
      lastId: 0,
      trimmedId: 0,
      keys: new Set(),
      messageKeys: [],
      listeners: new Set(),
      touchedAt: now(),
    }
    byKind.unopened.set(id, created)
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
      if (e.kind === 'unopened') place(e, 'open')
    },
    async status(id) {
      const e = find(id)
      return e ? { opened: e.kind !== 'unopened', ended: e.kind === 'ended', keys: e.keys } : null
    },
    async append(id, event, dedupeKey) {
      const e = entry(id)
      if (dedupeKey && e.keys.has(dedupeKey)) return null
      if (e.kind === 'ended' && !mattersAfterEnd(event)) return null
      if (dedupeKey) e.keys.add(dedupeKey)
      if (endingEvents.has(event.type)) place(e, 'ended')
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
      eventCount++
      if (e.events.length > maxEventsPerConversation) {
        const over = e.events.length - maxEventsPerConversation
        e.trimmedId = e.events[over - 1]!.id
        e.events.splice(0, over)
        eventCount -= over
        // A repeat of a message no longer held would be stored again: as rare as it is harmless.
        while (e.messageKeys[0] && e.messageKeys[0].id <= e.trimmedId)
          e.keys.delete(e.messageKeys.shift()!.key)
        onEvict('event-cap', over)
      }
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
      return { conversations: size(), events: eventCount }
    },
    async close() {
      clearInterval(timer)
      for (const map of Object.values(byKind)) map.clear()
      claims.clear()
      eventCount = 0
    },
  }
}
