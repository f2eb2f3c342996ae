/**
 * The chat's rarely needed parts, each a chunk of its own (docs/decisions/009-size-budgets.md): the
 * pre-chat form, what follows a chat (the end-chat question, the rating), and the file preview with
 * the upload. A part is fetched when it is about to be needed (mount.tsx prefetches), or at the
 * latest when the window first shows it (ui/PartSlot.tsx); its CSS comes with it. A failed fetch is
 * remembered so the window can say so and offer Retry: import() is retried by a new call.
 */
import { type ReadonlySignal, signal } from '@preact/signals'
import { adoptStyles } from '../ui/adopt-styles.ts'

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

/** Where the parts' CSS goes: the chat's shadow root, set by mount before the first render. */
let root: ShadowRoot | null = null
/** The CSS of the parts loaded so far: a chat mounted again (init after destroy) gets it too. */
const loadedCss: string[] = []
export function setPartsRoot(shadow: ShadowRoot): void {
  root = shadow
  for (const css of loadedCss) adoptStyles(shadow, css)
}

export function lazyPart<T extends { css?: string }>(fetch: () => Promise<T>): LazyPart<T> {
  const state = signal<PartState<T>>({ name: 'idle' })
  let pending: Promise<T> | null = null
  const part: LazyPart<T> = {
    state,
    prefetch: () => part.load().then(ignore, ignore),
    load() {
      pending ??= fetch().then(
        (part) => {
          if (part.css) {
            loadedCss.push(part.css)
            if (root) adoptStyles(root, part.css)
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
/** A picked, dropped or pasted file: its preview, the drop hint and the upload itself. */
export const attachmentPart = lazyPart(() => import('./attachment-part.tsx'))
/** The site's choice of department and channel, and where the answer goes when not here. */
export const choicePart = lazyPart(() => import('./choice-part.tsx'))
