/**
 * In-memory event log for a single proxy process.
 *
 * Bounded: conversations idle for `retentionMs` are forgotten, and so are triggers for
 * interactions never opened here (the webhook serves the whole zChat account, so other channels'
 * interactions arrive too) after `unopenedMs`. They are kept that long at all because zChat may
 * send `queued` before its start call has answered us.
 */

import type { LoggedEvent } from '../protocol/wire.ts'
import { mattersAfterEnd } from '../zchat/adapter.ts'
import { type EventLog, endingEvents, type Listener } from './log.ts'

/** Events whose meaning fades in seconds. */
const momentary: ReadonlySet<string> = new Set(['typing', 'cleared', 'queued'])

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

type Entry = {
  opened: boolean
  ended: boolean
  events: LoggedEvent[]
  keys: Set<string>
  listeners: Set<Listener>
  touchedAt: number
}

export type MemoryLogOptions = {
  retentionMs?: number
  unopenedMs?: number
  maxEventsPerConversation?: number
  now?: () => number
}

export function createMemoryLog({
  retentionMs = 24 * 60 * 60 * 1000,
  unopenedMs = 2 * 60 * 1000,
  maxEventsPerConversation = 5000,
  now = Date.now,
}: MemoryLogOptions = {}): EventLog & { sweep(): void } {
  const entries = new Map<string, Entry>()

  function entry(id: string): Entry {
    let found = entries.get(id)
    if (!found) {
      found = {
        opened: false,
        ended: false,
        events: [],
        keys: new Set(),
        listeners: new Set(),
        touchedAt: now(),
      }
      entries.set(id, found)
    }
    found.touchedAt = now()
    return found
  }

  function sweep() {
    const t = now()
    for (const [id, e] of entries) {
      const ttl = e.opened ? retentionMs : unopenedMs
      if (e.listeners.size === 0 && t - e.touchedAt > ttl) entries.delete(id)
    }
  }
  const timer = setInterval(sweep, 60_000)
  timer.unref()

  return {
    sweep,
    async open(id) {
      entry(id).opened = true
    },
    async status(id) {
      const e = entries.get(id)
      return e ? { opened: e.opened, ended: e.ended, keys: e.keys } : null
    },
    async append(id, event, dedupeKey) {
      const e = entry(id)
      if (dedupeKey && e.keys.has(dedupeKey)) return null
      if (e.ended && !mattersAfterEnd(event)) return null
      // At the cap, drop only what is momentary; a message or the end is never lost.
      if (e.events.length >= maxEventsPerConversation && momentary.has(event.type)) return null
      if (dedupeKey) e.keys.add(dedupeKey)
      if (endingEvents.has(event.type)) e.ended = true
      const logged: LoggedEvent = {
        ...event,
        id: nextId(e.events.at(-1)?.id ?? 0, now()),
        at: new Date(now()).toISOString(),
      }
      e.events.push(logged)
      for (const listener of e.listeners) listener(logged)
      return logged
    },
    async readAfter(id, afterId) {
      const events = entries.get(id)?.events ?? []
      return events.slice(firstAfter(events, afterId))
    },
    subscribe(id, listener) {
      const e = entry(id)
      e.listeners.add(listener)
      return () => {
        e.listeners.delete(listener)
        e.touchedAt = now()
      }
    },
    async close() {
      clearInterval(timer)
      entries.clear()
    },
  }
}
