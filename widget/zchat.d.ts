/**
 * The zChat widget's page API, for sites written in TypeScript: the build ships it as
 * dist/widget/zchat.d.ts. Save it in your project and `import type { Zchat } from './zchat'`, or
 * reference it (`/// <reference path="./zchat.d.ts" />`) to type the global `zchat`. Hand-written:
 * widget/zchat-types.test.ts holds it to the widget's own types and compiles a site's usage with it.
 */

/** `zchat('init', options)`: every `data-*` option of the snippet in camelCase, but `global`. */
export interface ZchatOptions {
  /** zChat department id that takes the conversations. */
  department?: number
  /** The chat window's title; default "Chat with us" in the widget's language. */
  title?: string
  /** `pt-BR` (any `pt`), `en` or `es`; default the page's `<html lang>`, then the browser's. */
  lang?: string
  /** Accent colour, any CSS colour. */
  color?: string
  /**
   * The chat window's colours: `light` (default), `dark`, or `auto` to follow the visitor's system
   * (prefers-color-scheme). The launcher wears the accent in both.
   */
  theme?: 'auto' | 'light' | 'dark'
  /** Stacking order of the launcher and window; default 2147483000. */
  zIndex?: number
  position?: 'right' | 'left'
  /** A first line shown before the visitor writes (at most 500 characters). */
  greeting?: string
  /**
   * Seconds (a whole number, 0 to 9999) after which `greeting` also shows beside the launcher, with an
   * unread badge and the page title flagged, once per browser session; without it, only inside the chat.
   */
  greetingDelay?: number
  /** Open the chat when the widget starts. */
  open?: boolean
  /** Pre-chat fields in display order from name, email, phone, cpf; `*` marks a required one. */
  prechat?: string
  /** The site's privacy policy, linked under the pre-chat fields. */
  privacyUrl?: string
  /** With `privacyUrl`, a checkbox the visitor must tick before the chat starts. */
  consent?: 'required'
  /** A signed identity from the site's server (docs/identity.md). */
  identity?: string
  identitySignature?: string
  /** Opening hours, e.g. `mon-fri 09:00-18:00; sat 09:00-13:00`. */
  hours?: string
  /** The IANA zone `hours` is in; default America/Sao_Paulo. */
  timezone?: string
  /**
   * Departments the visitor chooses from before the first message (over `department`), labels in
   * the page's language, each with its own `hours` if it has any (or their JSON).
   */
  departments?: ZchatDepartment[] | string
  /** Where the agent may answer, in the order offered: `web,whatsapp,sms`; default `web`. */
  channels?: string
  /**
   * The site's own keys for zChat's `extra` (or their JSON): what the page says, which a visitor can
   * change; send what an agent acts on signed, as an identity.
   */
  extra?: ZchatExtra | string
  /** What the agent sees of the page's address; default `path`. */
  pageUrl?: 'path' | 'full' | 'none'
}

export interface ZchatDepartment {
  /** The zChat department id. */
  id: number
  label: string
  /** Its opening hours, as `hours`; without them the site's `hours` apply. */
  hours?: string
}

export type ZchatExtra = Record<string, string | number | boolean | null>

/** A signed identity from the site's server (docs/identity.md). */
export interface ZchatIdentity {
  payload: string
  signature: string
}

/** `zchat('identify', visitor)`: details sent with a new conversation, and skipped in the pre-chat form. */
export interface ZchatVisitor {
  name?: string
  email?: string
  phone?: string
  cpf?: string
  /**
   * A signed identity, which wins over the `identity` option; or a function that gets a fresh one
   * from the site's server, asked before each new conversation and when the chat opens.
   */
  identity?: ZchatIdentity | (() => ZchatIdentity | Promise<ZchatIdentity>)
}

/** A file in a message: where to get it, and what it is. */
export interface ZchatMedia {
  kind: 'image' | 'video' | 'audio' | 'file'
  url: string
  name?: string
  /** Its MIME type, e.g. image/png. */
  type?: string
  /** In bytes. */
  size?: number
}

/** An agent's message, once per message (not again when a reload replays the conversation). */
export interface ZchatMessage {
  text: string
  /** When the proxy got it, ISO 8601 (may be empty for a message replayed without a time). */
  at: string
  agentName?: string
  media?: ZchatMedia
}

/** The conversation's state; `unavailable`: no agent, or outside `hours`. */
export type ZchatState =
  | 'idle'
  | 'prechat'
  | 'starting'
  | 'queued'
  | 'chatting'
  | 'finished'
  | 'rating'
  | 'rated'
  | 'unavailable'
  | 'failed'

/** What `zchat('on', event, listener)` calls each listener with. */
export interface ZchatEvents {
  open: () => void
  close: () => void
  message: (message: ZchatMessage) => void
  state: (state: ZchatState) => void
}

export interface Zchat {
  /** Starts the widget with these options over the `data-*` ones (again, if it runs: a restart). */
  (command: 'init', options?: ZchatOptions): void
  /**
   * `destroy` takes the widget off the page: nodes, listeners, timers, the event stream. `reset`,
   * at the site's logout: the conversation is forgotten in every tab of the browser, with what the
   * page said of the visitor (`identify`, `extra`), and the window shows a new visitor's chat.
   */
  (command: 'destroy' | 'reset' | 'open' | 'close' | 'toggle'): void
  (command: 'identify', visitor: ZchatVisitor): void
  (command: 'extra', data: ZchatExtra): void
  /** Asked for a CAPTCHA token when a conversation starts. */
  (command: 'captcha', getToken: () => string | Promise<string>): void
  /**
   * Greets the visitor beside the launcher after `delay` seconds (default 0): the text (1 to 500
   * characters) with an unread badge and the title flag, without loading the chat. Clicking it opens the
   * chat with the text as its first line; closed or opened, it is not shown again in the browser session.
   */
  (command: 'greet', text: string, options?: { delay?: number }): void
  <E extends keyof ZchatEvents>(command: 'on' | 'off', event: E, listener: ZchatEvents[E]): void
}

declare global {
  /** The widget's global (`data-global` gives it another name: declare that one as `Zchat`). */
  var zchat: Zchat
}
