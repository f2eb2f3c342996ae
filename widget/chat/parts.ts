/**
 * The chat's rarely needed parts, each a chunk of its own (docs/decisions/009-size-budgets.md): the
 * pre-chat form, what follows a chat (the end-chat question, the rating), and the file preview with
 * the upload. A part is fetched when it is about to be needed (mount.tsx prefetches), or at the
 * latest when the window first shows it (ui/PartSlot.tsx); its CSS comes with it. A failed fetch is
 * remembered so the window can say so and offer Retry: import() is retried by a new call.
 */
import { type ReadonlySignal, signal } from '@preact/signals'

export type PartState<T> =
  | { name: 'idle' }
  | { name: 'loading' }
  | { name: 'ready'; part: T }
  | { name: 'failed'; error: unknown }

export type LazyPart<T> = {
  state: ReadonlySignal<PartState<T>>
  /** Fetches the part once (again after a failure); resolves with it, rejects with the failure. */
  load(): Promise<T>
  /** Fetches it ahead of need: a failure is only the part's state, which its slot shows. */
  prefetch(): Promise<void>
}

/**
 * Where the parts' CSS goes: the chat's shadow root, through the loader's `adopt` (one copy of
 * adoptStyles for both), set by mount before the first render.
 */
let adopt: ((css: string) => void) | null = null
/** The CSS of the parts loaded so far: a chat mounted again (init after destroy) gets it too. */
const loadedCss: string[] = []
export function setPartsRoot(adoptHere: (css: string) => void): void {
  adopt = adoptHere
  for (const css of loadedCss) adoptHere(css)
}

export function lazyPart<T extends object>(fetch: () => Promise<T>): LazyPart<T> {
  const state = signal<PartState<T>>({ name: 'idle' })
  let pending: Promise<T> | null = null
  const part: LazyPart<T> = {
    state,
    prefetch: () => part.load().then(ignore, ignore),
    load() {
      pending ??= fetch().then(
        (part) => {
          const { css } = part as { css?: unknown }
          if (typeof css === 'string') {
            loadedCss.push(css)
            adopt?.(css)
          }
          state.value = { name: 'ready', part }
          return part
        },
        (error: unknown) => {
          pending = null
          state.value = { name: 'failed', error }
          throw error
        },
      )
      // peek: an effect that prefetches must not re-run (and fetch again) each time the state moves.
      const now = state.peek().name
      if (now === 'idle' || now === 'failed') state.value = { name: 'loading' }
      return pending
    },
  }
  return part
}

function ignore(): void {}

/** `data-prechat`'s fields and the privacy consent, before the first message. */
export const prechatPart = lazyPart(() => import('./prechat-part.tsx'))
/** "End this chat?", then the ending line, the rating and "Start a new chat". */
export const endingPart = lazyPart(() => import('./ending-part.tsx'))
/** A picked, dropped or pasted file: its preview, the drop hint and the upload's progress bar. */
export const attachmentPart = lazyPart(() => import('./attachment-part.tsx'))
/** The event stream, the upload and what goes with them, from the start of a conversation (live-part.ts). */
export const livePart = lazyPart(() => import('./live-part.ts'))
/** The site's choice of department and channel, and where the answer goes when not here. */
export const choicePart = lazyPart(() => import('./choice-part.tsx'))
