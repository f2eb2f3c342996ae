/**
 * Test doubles for the widget's edges: a transport whose event stream tests `emit()` into, a session
 * store, and storage.
 */
import { vi } from 'vitest'
import type { ConversationEvent, LoggedEvent, UploadReply } from '../../protocol/wire.ts'
import { HttpFailure } from '../conversation/failure.ts'
import type {
  Credentials,
  SessionStore,
  StoredSession,
  StreamHandlers,
  Transport,
} from '../conversation/ports.ts'

export const future = '2099-01-01T00:00:00.000Z'

/** What the fake proxy's GET /v1/config allows: images and PDFs up to 10 MB. */
export const uploadLimits = { maxBytes: 10 * 1024 * 1024, types: ['image/*', 'application/pdf'] }

let uploads = 0
/** The proxy's 201 for a file: its own copy, at an https URL. */
export function uploadReply(file: File): UploadReply {
  const kind = file.type.startsWith('image/') ? 'image' : 'file'
  const uploadId = `upload-${String(++uploads).padStart(12, '0')}`
  const url = `https://proxy.test/v1/media/${uploadId}`
  return { uploadId, url, kind, name: file.name, type: file.type, size: file.size }
}

/** What the proxy answers a message whose upload expired or was swept (routes/interactions.ts). */
export function fileGoneFailure() {
  return new HttpFailure(
    'POST',
    'u',
    422,
    'UNPROCESSABLE',
    undefined,
    'This file is no longer available; please attach it again',
    'upload',
  )
}

export function createFakeTransport() {
  let handlers: StreamHandlers | null = null
  let nextId = 1
  /** The proxy's clock minus the page's. */
  let clockOffset = 0
  const subscriptions: Array<{ auth: Credentials; closed: boolean }> = []
  const transport = {
    start: vi.fn<Transport['start']>(async () => ({
      conversationId: 'c1',
      credential: 'k1',
      expiresAt: future,
    })),
    send: vi.fn<Transport['send']>(async (_auth, body) => ({
      messageId: `m-${body.clientId}`,
      eventId: 0,
    })),
    typing: vi.fn<Transport['typing']>(async () => {}),
    cleared: vi.fn<Transport['cleared']>(async () => {}),
    finish: vi.fn<Transport['finish']>(async () => {}),
    rate: vi.fn<Transport['rate']>(async () => {}),
    leaveMessage: vi.fn<Transport['leaveMessage']>(async () => {}),
    config: vi.fn<Transport['config']>(async () => ({
      uploads: uploadLimits,
      leaveMessage: true,
      transcriptByEmail: true,
    })),
    erase: vi.fn<Transport['erase']>(async () => {}),
    requestTranscript: vi.fn<Transport['requestTranscript']>(async () => {}),
    /** Answers at once as the proxy would; tests that need progress or a slow upload replace it. */
    upload: vi.fn<Transport['upload']>(async (_auth, file) => uploadReply(file)),
    subscribe: vi.fn<Transport['subscribe']>((auth, h) => {
      const subscription = { auth, closed: false }
      subscriptions.push(subscription)
      handlers = h
      return () => {
        subscription.closed = true
      }
    }),
    serverNow: () => Date.now() + clockOffset,
  } satisfies Transport
  /** An ISO time `ms` before now on the proxy's clock, as the proxy stamps events. */
  const ago = (ms: number) => new Date(transport.serverNow() - ms).toISOString()
  /**
   * Push a server event down the open stream, numbered and stamped like the proxy's log: by default
   * logged just now on the proxy's clock, as a live event is; pass an earlier `at` (see `ago`) to
   * replay history.
   */
  function emit(event: ConversationEvent, id = nextId, at = ago(0)): LoggedEvent {
    nextId = id + 1
    const logged = { ...event, id, at } as LoggedEvent
    handlers?.onEvent(logged)
    return logged
  }
  return {
    transport,
    subscriptions,
    emit,
    ago,
    /**
     * An agent takes the conversation the visitor opened with `text`, their first message
     * (`client-1`): queued first, the message echoed as delivered, then accepted.
     */
    accept(text = 'Hello') {
      emit({ type: 'queued', position: 1 })
      emit({
        type: 'message',
        author: 'visitor',
        messageId: 'm-client-1',
        text,
        clientId: 'client-1',
      })
      emit({ type: 'accepted' })
    },
    /** Skew the visitor's clock: the proxy's runs `ms` ahead of it (negative: behind). */
    setClockOffset(ms: number) {
      clockOffset = ms
    },
    gone: () => handlers?.onGone(),
    /** The proxy's `reset`: it no longer keeps some events after the last one this page saw. */
    reset: () => handlers?.onReset?.(),
    status: (s: Parameters<StreamHandlers['onStatus']>[0]) => handlers?.onStatus(s),
  }
}

/**
 * The conversation's session store in memory, keeping the port's promises: what is saved is copied,
 * and an expired conversation loads as none (and is forgotten), as in the browser's.
 */
export function memorySessionStore(
  now: () => number = Date.now,
): SessionStore & { forgottenEverywhere: number } {
  let stored: StoredSession | null = null
  const store: SessionStore & { forgottenEverywhere: number } = {
    /** How many times every tab was told to forget the conversation. */
    forgottenEverywhere: 0,
    load() {
      if (stored && !(Date.parse(stored.expiresAt) > now())) stored = null
      return stored && { ...stored }
    },
    save(session) {
      stored = { ...session }
    },
    update(patch) {
      const session = store.load()
      if (session) store.save({ ...session, ...patch })
    },
    clear() {
      stored = null
    },
    forgetEverywhere() {
      stored = null
      store.forgottenEverywhere++
    },
  }
  return store
}

export function memoryStorage(): Storage {
  const map = new Map<string, string>()
  return {
    get length() {
      return map.size
    },
    clear: () => map.clear(),
    getItem: (k) => map.get(k) ?? null,
    key: (i) => [...map.keys()][i] ?? null,
    removeItem: (k) => void map.delete(k),
    setItem: (k, v) => void map.set(k, String(v)),
  }
}

/** A store holding a conversation going on (`c1`), as a reload finds it; `overrides` change it. */
export function ongoingSession(overrides: Partial<StoredSession> = {}) {
  const session = memorySessionStore()
  session.save({
    conversationId: 'c1',
    credential: 'k1',
    expiresAt: future,
    finished: false,
    readId: 0,
    seenId: 0,
    ...overrides,
  })
  return session
}

/**
 * The session as each of the browser's tabs reads it from localStorage in Chromium: every tab
 * (renderer process) reads its own copy, and what one tab saves or clears reaches the others'
 * copies later, when the test calls `propagate()` (the browser sends it on, unordered with anything
 * else the tabs do).
 */
export function laggingSessions() {
  const copies: SessionStore[] = []
  const pending: Array<() => void> = []
  const toOthers = (own: SessionStore, change: (copy: SessionStore) => void) => {
    for (const copy of copies) if (copy !== own) pending.push(() => change(copy))
  }
  return {
    /** One more tab, opened before anything was saved. */
    tab(): ReturnType<typeof memorySessionStore> {
      const own = memorySessionStore()
      copies.push(own)
      const store: ReturnType<typeof memorySessionStore> = {
        get forgottenEverywhere() {
          return own.forgottenEverywhere
        },
        load: own.load,
        save(session) {
          own.save(session)
          toOthers(own, (copy) => copy.save(session))
        },
        update(patch) {
          const session = store.load()
          if (session) store.save({ ...session, ...patch })
        },
        clear() {
          own.clear()
          toOthers(own, (copy) => copy.clear())
        },
        forgetEverywhere() {
          own.forgetEverywhere()
          toOthers(own, (copy) => copy.clear())
        },
      }
      return store
    },
    /** Every change made so far reaches the other tabs. */
    propagate() {
      for (const change of pending.splice(0)) change()
    },
  }
}

/**
 * `navigator.locks` as the browser grants Web Locks to a site's tabs: one holder of a name at a
 * time, in the order asked, released when the callback's promise settles; `query()` lists what is
 * held.
 */
export function fakeLocks() {
  const held: string[] = []
  const queues = new Map<string, Promise<unknown>>()
  return {
    request<T>(name: string, granted: () => Promise<T>): Promise<T> {
      const turn = (queues.get(name) ?? Promise.resolve())
        .then(() => {
          held.push(name)
          return granted()
        })
        .finally(() => held.splice(held.indexOf(name), 1))
      queues.set(
        name,
        turn.catch(() => {}),
      )
      return turn
    },
    query: async (): Promise<LockManagerSnapshot> => ({
      held: held.map((name) => ({ name, mode: 'exclusive' })),
    }),
  }
}
