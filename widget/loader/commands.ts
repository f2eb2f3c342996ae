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
  open(): void
  close(): void
  toggle(): void
  /** The page's `zchat('identify', value)`, unchecked: the chat reads it (chat/profile.ts). */
  identify(value: unknown): void
  /** Merges into the site's extra for the next conversation. */
  extra(value: unknown): void
  /** The page's way to get a CAPTCHA token, asked when a conversation starts. */
  captcha(get: () => unknown): void
}

const eventNames: ReadonlySet<string> = new Set<WidgetEvent>(['open', 'close', 'message', 'state'])

export function createCommands(controls: Controls) {
  const listeners = new Map<string, Set<(payload?: unknown) => void>>()
  const warned = new Set<string>()
  const once = (key: string, message: string) => {
    if (warned.has(key)) return
    warned.add(key)
    warn(message)
  }

  function listen(add: boolean, event: unknown, fn: unknown): void {
    if (typeof event !== 'string' || !eventNames.has(event) || typeof fn !== 'function') {
      once(
        `on:${String(event)}`,
        `zchat('${add ? 'on' : 'off'}', event, fn) expects an event name and a function`,
      )
      return
    }
    const set = listeners.get(event) ?? new Set()
    listeners.set(event, set)
    if (add) set.add(fn as (payload?: unknown) => void)
    else set.delete(fn as (payload?: unknown) => void)
  }

  function zchat(...args: unknown[]): void {
    const [command, a, b] = args
    try {
      if (command === 'init') controls.init(a)
      else if (command === 'destroy') controls.destroy()
      else if (command === 'open') controls.open()
      else if (command === 'close') controls.close()
      else if (command === 'toggle') controls.toggle()
      else if (command === 'on' || command === 'off') listen(command === 'on', a, b)
      else if (command === 'identify') controls.identify(a)
      else if (command === 'captcha') {
        if (typeof a === 'function') controls.captcha(a as () => unknown)
        else once('captcha', "zchat('captcha', fn) expects a function")
      } else if (command === 'extra') {
        if (typeof a === 'object' && a !== null && !Array.isArray(a)) controls.extra(a)
        else once('extra', "zchat('extra', data) expects an object")
      } else once(`cmd:${String(command)}`, `unknown command ${JSON.stringify(String(command))}`)
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
