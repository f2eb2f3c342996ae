/**
 * The shared relay: every append is also written to ONE stream, which each instance reads with a
 * single blocking XREAD loop on its own connection, handing entries to its local subscribers by
 * conversation id. Never a connection or a blocking read per visitor. After a blip the loop resumes
 * from the last id it saw; if the relay was trimmed past it meanwhile, `onGap` says so.
 */
import { ErrorReply } from 'redis'
import type { Listener } from '../events/log.ts'
import { compareIds, type Entry, readEntry, toLogged } from './entries.ts'

export type RelayOptions = {
  /** One command on the relay's own connection (RESP2 reply). */
  read: (args: string[]) => Promise<unknown>
  key: string
  blockMs: number
  retryMs: number
  /** Resolves once the connections were opened (or given up). */
  connected: Promise<unknown>
  isClosed: () => boolean
  report: (error: Error) => void
  onGap: () => void
}

export function startRelay({
  read,
  key,
  blockMs,
  retryMs,
  connected,
  isClosed,
  report,
  onGap,
}: RelayOptions) {
  const listeners = new Map<string, Set<Listener>>()
  let caughtUp: () => void = () => {}
  const ready = new Promise<void>((resolve) => {
    caughtUp = resolve
  })
  const pause = () => new Promise((resolve) => setTimeout(resolve, retryMs))

  function deliver(entry: Entry) {
    const conversationId = entry.fields.get('c')
    const eventId = entry.fields.get('i')
    const subscribed = conversationId === undefined ? undefined : listeners.get(conversationId)
    if (!subscribed || eventId === undefined) return
    const logged = toLogged(eventId, entry.fields)
    if (!logged) return
    for (const listener of subscribed) listener(logged)
  }

  /** The relay's newest entry, where this instance starts reading; '0-0' when there is none. */
  async function relayEnd(): Promise<string> {
    for (;;) {
      try {
        const reply = await read(['XREVRANGE', key, '+', '-', 'COUNT', '1'])
        const entry = Array.isArray(reply) ? readEntry(reply[0]) : null
        return entry?.id ?? '0-0'
      } catch (error) {
        if (isClosed()) return '0-0'
        if (error instanceof Error) report(error)
        await pause()
      }
    }
  }

  /**
   * Whether entries after `lastId` may have been trimmed from the relay before this instance read
   * them. Said too often rather than too rarely (the entry at `lastId` itself trimmed counts too):
   * the cost of a false alarm is a reconnect.
   */
  async function missedSince(lastId: string): Promise<boolean> {
    let reply: unknown
    try {
      reply = await read(['XINFO', 'STREAM', key])
    } catch (error) {
      if (error instanceof ErrorReply) return false
      throw error
    }
    if (!Array.isArray(reply)) return false
    const field = (name: string): unknown => reply[reply.indexOf(name) + 1]
    if (!(Number(field('entries-added')) > Number(field('length')))) return false
    const first = readEntry(field('first-entry'))
    return first !== null && compareIds(first.id, lastId) > 0 && lastId !== '0-0'
  }

  async function relay() {
    await connected
    let lastId = await relayEnd()
    caughtUp()
    /** Where reading stopped when Redis failed the loop, until a read after it was checked. */
    let unchecked: string | null = null
    while (!isClosed()) {
      try {
        const since = unchecked
        // After a failure, a read that does not block: the check below should not wait on it.
        const block = since === null ? ['BLOCK', String(blockMs)] : []
        const reply = await read(['XREAD', 'COUNT', '500', ...block, 'STREAMS', key, lastId])
        // [[key, [entry, ...]]], or null when the block timed out.
        const entries: unknown = Array.isArray(reply) && Array.isArray(reply[0]) ? reply[0][1] : []
        if (Array.isArray(entries)) {
          for (const raw of entries) {
            const entry = readEntry(raw)
            if (!entry) continue
            lastId = entry.id
            deliver(entry)
          }
        }
        // Checked after the read, not before it: a trim between a check and the read would drop
        // entries unseen. After it, a trim that came first shows, one that came later is a false alarm.
        if (since !== null) {
          if (await missedSince(since)) onGap()
          unchecked = null
        }
      } catch (error) {
        if (isClosed()) return
        if (error instanceof Error) report(error)
        unchecked ??= lastId
        await pause()
      }
    }
  }
  const relaying = relay()

  return {
    /** Resolves once the loop has found the relay's end (for tests). */
    ready,
    /** Resolves once the loop stopped (the log closed and its connection was cut). */
    stopped: relaying,
    watched: () => listeners.size,
    /** The conversations watched on this instance now. */
    ids: () => listeners.keys(),
    clear: () => listeners.clear(),
    /** `onLast`: the last listener of `id` here left. */
    subscribe(id: string, listener: Listener, onLast: (id: string) => void = () => {}) {
      let set = listeners.get(id)
      if (!set) {
        set = new Set()
        listeners.set(id, set)
      }
      set.add(listener)
      return () => {
        set.delete(listener)
        if (set.size === 0 && listeners.get(id) === set) {
          listeners.delete(id)
          onLast(id)
        }
      }
    },
  }
}
