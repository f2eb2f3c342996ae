/**
 * While the visitor is away (the page hidden), a new agent message flags the page's title and plays
 * the site's sound (`data-sound`), through a part of its own (page-alert.ts) loaded the first time
 * it is needed. What stays here is small and runs from the start: reading `data-sound`, and
 * remembering in localStorage which tab of the browser the visitor looked at last, the one tab that
 * plays the sound, so that it sounds once per browser and not once per tab.
 */
import { frontTabKey } from '../storage-keys.ts'
import { warn } from '../warn.ts'
import type { PageAlert, Sound } from './page-alert.ts'

/** `data-sound`: empty or `true` for a short chime, an https:// (or http://) address for that file, `false` for none. */
export function readSound(value: string | undefined): { sound?: Sound; problem?: string } {
  const text = value?.trim()
  if (text === undefined || text === 'false') return {}
  if (text === '' || text === 'true') return { sound: true }
  if (/^https?:\/\/\S+$/.test(text)) return { sound: text }
  return { problem: `data-sound="${value}" (expected true, false or an https:// address)` }
}

export type AwayOptions = {
  /** The proxy's base URL: widgets of different proxies on one site keep apart. */
  base: string
  /** `data-sound` as written. */
  sound: string | undefined
  play?: (sound: Sound) => void
  doc?: Document
  storage?: Storage | null
  /** Aborted when the widget is destroyed: every listener goes. */
  signal?: AbortSignal
}

export function whileAway({
  base,
  sound: attribute,
  play,
  doc = document,
  storage,
  signal,
}: AwayOptions) {
  const { sound, problem } = readSound(attribute)
  if (problem) warn(`ignoring ${problem}`)
  const key = frontTabKey(base)
  const tab = Math.random().toString(36).slice(2)
  const local = () => (storage === undefined ? globalThis.localStorage : storage)
  const lookedAt = () => {
    try {
      if (!doc.hidden) local()?.setItem(key, tab)
    } catch {}
  }
  lookedAt()
  doc.addEventListener('visibilitychange', lookedAt, signal && { signal })
  let alert: Promise<PageAlert> | undefined
  return {
    /** A new agent message (not one replayed from before this page loaded). */
    agentMessage(): Promise<void> {
      if (!doc.hidden) return Promise.resolve()
      alert ??= import('./page-alert.ts').then(({ createPageAlert }) =>
        createPageAlert({
          doc,
          ...(signal && { signal }),
          ...(sound && { sound }),
          ...(play && { play }),
          isFront: () => {
            try {
              return local()?.getItem(key) === tab
            } catch {
              return false
            }
          },
        }),
      )
      return alert.then(
        (page) => page.agentMessage(),
        (error: unknown) => {
          alert = undefined
          warn('could not load the page alert', error)
        },
      )
    },
  }
}
