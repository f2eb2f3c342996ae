/**
 * The host page's `zchat(...)` function: commands and event listeners. Nothing here may throw into the
 * page: bad calls are warned about once each, and a listener that throws is reported and skipped.
 */
import { cpfLength } from '../../proxy/protocol/checks.ts'
import { emailLength, nameLength, phoneLength } from '../../proxy/protocol/wire.ts'
import type { SiteProfile } from '../contract.ts'
import { warn } from '../warn.ts'

export type WidgetEvent = 'open' | 'close' | 'message' | 'state'
export type Controls = {
  open(): void
  close(): void
  toggle(): void
  identify(profile: SiteProfile): void
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
      if (command === 'open') controls.open()
      else if (command === 'close') controls.close()
      else if (command === 'toggle') controls.toggle()
      else if (command === 'on' || command === 'off') listen(command === 'on', a, b)
      else if (command === 'identify') controls.identify(readProfile(a))
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

/**
 * Accepts only string name/email/phone/cpf, trimmed and bounded like the proxy's schema, and an
 * `identity` of string `payload` and `signature` (the proxy checks the rest).
 */
export function readProfile(value: unknown): SiteProfile {
  const profile: SiteProfile = {}
  if (typeof value !== 'object' || value === null) return profile
  const fields = value as Record<string, unknown>
  const pick = (key: 'name' | 'email' | 'phone' | 'cpf', max: number) => {
    const v = fields[key]
    if (typeof v === 'string' && v.trim() && v.trim().length <= max) profile[key] = v.trim()
  }
  pick('name', nameLength)
  pick('email', emailLength)
  pick('phone', phoneLength)
  pick('cpf', cpfLength)
  // Unsigned goes on too: the proxy refuses it with a reason the site can read.
  const { payload, signature } = (fields.identity ?? {}) as Record<string, unknown>
  if (typeof payload === 'string')
    profile.identity = typeof signature === 'string' ? { payload, signature } : { payload }
  return profile
}
