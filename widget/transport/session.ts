/**
 * The visitor's conversation, remembered in localStorage so a reload or another page resumes it.
 * Keyed by the proxy's base URL, so two widgets of different proxies on one site never mix. Storage
 * can throw (Safari private mode, sandboxed iframes, quota): then the widget just forgets.
 */
import type { AnsweredOn } from '../../protocol/wire.ts'
import type { SessionStore, StoredSession } from '../conversation/ports.ts'
import { greetedKey, openKey, sessionKey } from '../storage-keys.ts'

export function browserStorage(): Storage | null {
  try {
    return globalThis.localStorage ?? null
  } catch {
    return null
  }
}

export function createSessionStore(
  base: string,
  storage: Storage | null = browserStorage(),
  now: () => number = Date.now,
): SessionStore {
  const key = sessionKey(base)
  const store: SessionStore = {
    load() {
      const session = parse(attempt(() => storage?.getItem(key)) ?? null)
      if (session === null) return null
      if (!(Date.parse(session.expiresAt) > now())) {
        store.clear()
        return null
      }
      return session
    },
    save(session) {
      attempt(() => storage?.setItem(key, JSON.stringify(session)))
    },
    update(patch) {
      const session = store.load()
      if (session) store.save({ ...session, ...patch })
    },
    clear() {
      attempt(() => storage?.removeItem(key))
    },
    forgetEverywhere: () => forgetConversation(base, storage),
  }
  return store
}

/** For the loader: is there a live conversation worth loading the chat for right away? */
export function hasOngoingSession(base: string, storage = browserStorage()): boolean {
  // A lighter read than load(): this runs in the loader on every page, and forgets nothing. What has
  // no `expiresAt` parses as no date (NaN), never ahead of now; a value we never wrote that passes
  // (a number read as a year) only loads the chat, whose load() finds no conversation in it.
  const session: Partial<Record<keyof StoredSession, unknown>> | undefined = attempt(() =>
    JSON.parse(storage?.getItem(sessionKey(base)) ?? 'null'),
  )
  return Date.parse(session?.expiresAt as string) > Date.now() && session?.finished !== true
}

/**
 * What the stored conversation becomes on `zchat('reset')`: not a conversation (load() reads none),
 * and a change every other tab hears (the `storage` event) and tells from a plain clear.
 */
export const resetValue = 'reset'

/**
 * `zchat('reset')`, or another signed customer: the conversation is forgotten in this browser, and
 * every other tab of the site is told to forget it too (each one's chat resets, its stream and
 * journal with it).
 */
export function forgetConversation(base: string, storage = browserStorage()): void {
  attempt(() => storage?.setItem(sessionKey(base), resetValue))
}

/**
 * Another tab saved, changed or cleared the conversation (the `storage` event fires in the others),
 * or reset it.
 */
export function watchSession(
  base: string,
  handlers: { changed(): void; reset(): void },
  signal?: AbortSignal,
): void {
  addEventListener(
    'storage',
    (event) => {
      if (event.key === sessionKey(base))
        (event.newValue === resetValue ? handlers.reset : handlers.changed)()
    },
    signal && { signal },
  )
}

function parse(text: string | null): StoredSession | null {
  if (text === null) return null
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return null
  }
  if (typeof value !== 'object' || value === null) return null
  const v = value as Partial<Record<keyof StoredSession, unknown>>
  if (
    typeof v.conversationId !== 'string' ||
    typeof v.credential !== 'string' ||
    typeof v.expiresAt !== 'string'
  ) {
    return null
  }
  const on = v.answeredOn as Partial<AnsweredOn> | undefined
  return {
    conversationId: v.conversationId,
    credential: v.credential,
    expiresAt: v.expiresAt,
    finished: v.finished === true,
    readId: typeof v.readId === 'number' ? v.readId : 0,
    seenId: typeof v.seenId === 'number' ? v.seenId : 0,
    ...(typeof v.owner === 'string' && { owner: v.owner }),
    ...(typeof on?.phone === 'string' &&
      (on.channel === 'whatsapp' || on.channel === 'sms') && { answeredOn: on as AnsweredOn }),
  }
}

function attempt<T>(fn: () => T): T | undefined {
  try {
    return fn()
  } catch {
    return undefined
  }
}

/**
 * Whether the window was open in this tab, so it stays open across pages and reloads. Per tab
 * (sessionStorage): another tab of the site does not pop the chat open.
 */
export function rememberOpen(base: string, open: boolean): void {
  attempt(() => {
    if (open) globalThis.sessionStorage.setItem(openKey(base), '1')
    else globalThis.sessionStorage.removeItem(openKey(base))
  })
}

export function wasOpen(base: string): boolean {
  return attempt(() => globalThis.sessionStorage.getItem(openKey(base))) === '1'
}

/**
 * The proactive greeting (loader.ts), once per browser session: remembered only once the visitor
 * closed it or opened the chat from it, so until then each page load greets again.
 */
export function greeted(base: string, remember?: boolean): boolean {
  return !!attempt(() =>
    remember
      ? globalThis.sessionStorage.setItem(greetedKey(base), '1')
      : globalThis.sessionStorage.getItem(greetedKey(base)),
  )
}
