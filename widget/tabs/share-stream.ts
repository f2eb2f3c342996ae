/**
 * One event stream per browser, however many tabs show the conversation. The tab that holds a Web
 * Lock named after the conversation (the leader) opens the stream and passes every frame on over a
 * BroadcastChannel; the others (followers) only listen. Each tab keeps the conversation's events
 * (its journal), so a tab that opens late is sent the leader's journal, and the tab that gets the
 * lock when the leader closes resumes from the last id it has: nothing is lost (the proxy replays
 * after it) or applied twice (ids at or below it are skipped).
 *
 * Without Web Locks or BroadcastChannel (Safari before 15.4), every tab opens its own stream, as
 * before; the tabs still share the conversation and its unread count through the stored session
 * and the `storage` event (chat/mount.tsx).
 */
import type { LoggedEvent } from '../../protocol/wire.ts'
import type { Credentials, StreamHandlers, StreamStatus } from '../conversation/ports.ts'
import { streamLockName } from '../storage-keys.ts'

/** Opens the stream after `after` (transport/events.ts); returns a function that closes it. */
export type StreamOpener = (
  auth: Credentials,
  handlers: StreamHandlers,
  after: number,
) => () => void

/** What tabs say to each other, each about one conversation (`c`). */
export type TabMessage = { c: string } & (
  | { e: LoggedEvent }
  /** The proxy's reset, passed on. */
  | { r: 1 }
  /** A journal: every event this tab has, in order, a reset as 0 where it came; the stream's status. */
  | { j: Array<LoggedEvent | 0>; s: StreamStatus }
  /** A tab that just opened asks for the journal. */
  | { q: 1 }
  | { s: StreamStatus }
  | { g: 1 }
)

export type TabChannel = {
  post(message: TabMessage): void
  listen(listener: (message: TabMessage) => void): () => void
  close(): void
}

export function broadcastChannel(name: string): TabChannel | null {
  if (typeof BroadcastChannel !== 'function') return null
  const channel = new BroadcastChannel(name)
  return {
    post: (message) => channel.postMessage(message),
    listen(listener) {
      const onMessage = (event: MessageEvent<TabMessage>) => listener(event.data)
      channel.addEventListener('message', onMessage)
      return () => channel.removeEventListener('message', onMessage)
    },
    close: () => channel.close(),
  }
}

export function shareStream(
  open: StreamOpener,
  channel: TabChannel | null,
  locks: LockManager | null | undefined = globalThis.navigator?.locks,
) {
  return (auth: Credentials, handlers: StreamHandlers): (() => void) => {
    if (!channel || !locks) return open(auth, handlers, 0)
    const c = auth.conversationId
    const journal: Array<LoggedEvent | 0> = []
    let last = 0
    /** A follower applies live frames only once it has a journal: they would skip the older ones. */
    let synced = false
    let closeStream: (() => void) | undefined
    let release: (() => void) | undefined
    /** The leader's stream, as it last said. */
    let status: StreamStatus = 'connecting'
    const post = (message: TabMessage) => channel.post(message)

    const take = (item: LoggedEvent | 0, quiet = false) => {
      if (item === 0) {
        if (quiet) return
        journal.push(0)
        handlers.onReset?.()
      } else if (item.id > last) {
        last = item.id
        journal.push(item)
        handlers.onEvent(item)
      }
    }

    const stop = channel.listen((message) => {
      if (message.c !== c) return
      if ('q' in message) {
        if (closeStream) post({ c, j: journal, s: status })
      } else if ('j' in message) {
        // Resets in a journal are news only to a tab that had nothing.
        for (const item of message.j) take(item, synced)
        if (!synced && !closeStream) handlers.onStatus(message.s)
        synced = true
      } else if (!synced || closeStream) {
        // Not synced, or the leader: its own stream says it all.
      } else if ('e' in message) take(message.e)
      else if ('r' in message) take(0)
      else if ('s' in message) handlers.onStatus(message.s)
      else handlers.onGone()
    })

    const abort = new AbortController()
    locks
      .request(streamLockName(c), { signal: abort.signal }, () => {
        synced = true
        closeStream = open(
          auth,
          {
            onEvent(event) {
              take(event)
              post({ c, e: event })
            },
            onReset() {
              take(0)
              post({ c, r: 1 })
            },
            onStatus(now) {
              status = now
              handlers.onStatus(now)
              post({ c, s: now })
            },
            onGone() {
              handlers.onGone()
              post({ c, g: 1 })
            },
          },
          last,
        )
        // Followers that opened while there was no leader.
        post({ c, j: journal, s: status })
        return new Promise<void>((resolve) => {
          release = resolve
        })
      })
      .catch(() => {})
    handlers.onStatus('connecting')
    post({ c, q: 1 })
    return () => {
      stop()
      abort.abort()
      closeStream?.()
      release?.()
    }
  }
}
