/**
 * What the loader (every page, tiny) and the lazily loaded chat chunk promise each other. Types only:
 * the loader must not pull chat code in.
 */
import type { SignedIdentity, VisitorProfile } from '../protocol/schemas.ts'
import type { AgentMessage } from './conversation/model.ts'
import type { Locale } from './i18n/locale.ts'

/**
 * `data-*` the chat chunk reads itself (chat/site-options.ts; `hours` and `timezone` in
 * conversation/opening-hours.ts, `departments` and `channels` in conversation/choice.ts), unparsed:
 * the loader stays small. `theme` too: the launcher looks the same in both (the accent); the loader only
 * puts it on the root as written, for the greeting beside the launcher, and the chat checks it. The window's
 * `title`, the start's `department` and `pageUrl` too: only the chat uses them.
 */
export type ChatAttributes = Partial<
  Record<
    | 'prechat'
    | 'privacyUrl'
    | 'consent'
    | 'identity'
    | 'identitySignature'
    | 'extra'
    | 'sound'
    | 'hours'
    | 'timezone'
    | 'departments'
    | 'channels'
    | 'theme'
    | 'title'
    | 'department'
    | 'pageUrl',
    string
  >
>

/**
 * What `zchat('identify', ...)` says about the visitor: details, and a signed identity, or the page's
 * function that gets a fresh one from the site's server (chat/identity.ts).
 */
export type SiteProfile = VisitorProfile & { identity?: SignedIdentity | (() => unknown) }

/** The embed's `data-*` options, parsed and defaulted by loader/options.ts. */
export type WidgetOptions = {
  /** Proxy base URL: the script's src without `/widget.js` and query. */
  proxy: string
  /** From data-lang, `<html lang>` or the browser's languages (i18n/locale.ts). */
  lang: Locale
  color?: string
  position: 'right' | 'left'
  greeting?: string
  /** `data-greeting-delay`: seconds before the greeting shows beside the launcher (loader.ts); without it, only inside the chat. */
  greetingDelay?: number
  /** `data-z-index`: the stacking order of the launcher and window (default 2147483000). */
  zIndex?: number
  open: boolean
  attributes: ChatAttributes
}

/** What the page said through `zchat(...)`, kept by the loader until `destroy` or `reset`. */
export type SiteSaid = {
  /** Each `zchat('identify', value)`, in order and unchecked: the chat reads them (chat/site-profile.ts). */
  profile: readonly unknown[]
  /** The site's data for zChat's `extra` from `zchat('extra', {...})` (data-extra is in attributes), not yet checked. */
  extra: Record<string, unknown>
  /** `zchat('captcha', fn)`: asked for a token (or a promise of one) when a conversation starts. */
  captcha: (() => unknown) | null
}

export type ChatHost = {
  options: WidgetOptions
  /**
   * Adds CSS to the widget's shadow root, the chat's and each part's as it comes: the loader's own
   * `adoptStyles` (ui/adopt-styles.ts), so the chat carries no copy of it.
   */
  adopt(css: string): void
  /**
   * Where the chat renders; the loader shows and hides it. Opened before the chat drew into it, it
   * is editable and focused, so what the visitor types meanwhile waits there for the message box.
   */
  container: HTMLElement
  /** What the page has said so far (a new object after `reset`: read it each time). */
  site(): SiteSaid
  /** Minimize or Escape: the loader closes the window and gives focus back to the launcher. */
  close(): void
  unread(count: number): void
  message(message: AgentMessage): void
  state(name: string): void
}

export type ChatHandle = {
  /** `focus`: move focus into the window (the visitor asked for it, not a page-load default). */
  setOpen(open: boolean, focus: boolean): void
  /** The page called `zchat('identify', ...)` again: read `profile` anew. */
  identify(): void
  /**
   * `zchat('reset')` (the site's logout): the loader has forgotten the stored conversation (and told
   * the other tabs), the page's `identify` calls and the identity in the options; the chat forgets
   * the conversation it shows and starts afresh, as a new visitor.
   */
  reset(): void
  /**
   * `zchat('destroy')`: unmount, close the event stream, abort calls in flight, stop timers and take
   * back every window and document listener. The conversation itself goes on (a new mount resumes it).
   */
  destroy(): void
}

export type ChatModule = { mount(host: ChatHost): ChatHandle }
