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
        id: (e.events.at(-1)?.id ?? 0) + 1,
        at: new Date(now()).toISOString(),
      }
      e.events.push(logged)
      for (const listener of e.listeners) listener(logged)
      return logged
    },
    async readAfter(id, afterId) {
      const events = entries.get(id)?.events ?? []
      // Ids are dense from 1, so the index is known; fall back to a filter if that ever changes.
      const start = Math.max(0, afterId)
      return events[start]?.id === afterId + 1
        ? events.slice(start)
        : events.filter((e) => e.id > afterId)
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
