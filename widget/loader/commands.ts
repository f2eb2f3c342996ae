/**
 * The host page's `zchat(...)` function: commands and event listeners. Nothing here may throw into the
 * page: bad calls are warned about once each, and a listener that throws is reported and skipped.
 */
import { warn } from '../warn.ts'

export type WidgetEvent = 'open' | 'close' | 'message' | 'state'
export type Controls = {
  /** `zchat('init', options)`, unchecked: the loader reads them (options.ts readInit). */
  init(options: unknown): void
  destroy(): void
  /** The site's logout: the conversation, and what the page said of the visitor, are forgotten. */
  reset(): void
  open(): void
  close(): void
  toggle(): void
  /** The page's `zchat('identify', value)`, unchecked: the chat reads it (chat/site-profile.ts). */
  identify(value: unknown): void
  /** Merges into the site's extra for the next conversation. */
  extra(value: unknown): void
  /** The page's way to get a CAPTCHA token, asked when a conversation starts. */
  captcha(get: () => unknown): void
  /** `zchat('greet', text, { delay })`, checked: the greeting beside the launcher after `delay` seconds. */
  greet(text: string, delay: number): void
}

const eventNames: ReadonlySet<string> = new Set<WidgetEvent>(['open', 'close', 'message', 'state'])

export function createCommands(controls: Controls) {
  const listeners = new Map<string, Set<(payload?: unknown) => void>>()
  const warned = new Set<string>()
  // Each mistake is told once: the same bad call in a loop must not flood the console.
  const once = (message: string) => {
    if (!warned.has(message)) warn(message)
    warned.add(message)
  }

  const listen = (add: boolean) => (event: unknown, fn: unknown) => {
    if (typeof event !== 'string' || !eventNames.has(event) || typeof fn !== 'function') {
      once(`zchat('${add ? 'on' : 'off'}', event, fn) expects an event name and a function`)
      return
    }
    const set = listeners.get(event) ?? new Set()
    listeners.set(event, set)
    if (add) set.add(fn as (payload?: unknown) => void)
    else set.delete(fn as (payload?: unknown) => void)
  }

  // A Map, not an object: Object.prototype's names (`toString`) are no commands.
  const commands = new Map<unknown, (a: unknown, b: unknown) => void>(
    Object.entries({
      ...controls,
      on: listen(true),
      off: listen(false),
      captcha: (get: unknown) => {
        if (typeof get === 'function') controls.captcha(get as () => unknown)
        else once("zchat('captcha', fn) expects a function")
      },
      greet: (text: unknown, options: unknown) => {
        const delay = (options as { delay?: unknown } | undefined)?.delay ?? 0
        const words = typeof text === 'string' ? text.trim() : ''
        if (/^.{1,500}$/s.test(words) && typeof delay === 'number' && delay >= 0 && delay < 1e4)
          controls.greet(words, delay)
        else once("zchat('greet', text, { delay }) expects text and seconds")
      },
      extra: (data: unknown) => {
        if (typeof data === 'object' && data !== null && !Array.isArray(data)) controls.extra(data)
        else once("zchat('extra', data) expects an object")
      },
    }),
  )

  function zchat(command?: unknown, a?: unknown, b?: unknown): void {
    try {
      const run = commands.get(command)
      if (run) run(a, b)
      else once(`unknown command ${JSON.stringify(String(command))}`)
    } catch (error) {
      warn(`zchat('${String(command)}') failed`, error)
    }
  }

  function emit(event: WidgetEvent, payload?: unknown): void {
    for (const fn of listeners.get(event) ?? []) {
      try {
        fn(payload)
      } catch (error) {
        warn(`a '${event}' listener threw`, error)
      }
    }
  }

  return { zchat, emit }
}
