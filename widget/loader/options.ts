/**
 * Reads the embed script's `src`, its `data-*` attributes and the page's `zchat('init', {...})` into
 * WidgetOptions. A bad value is reported (the caller warns once, naming it as the page wrote it) and
 * replaced by its default: a typo in a snippet must not break the page.
 */

import type { Locale } from '../i18n/locale.ts'
import type { WidgetOptions } from '../loader-chat-interface.ts'

/** `https://x.test/chat/widget.js?v=2` -> `https://x.test/chat`: the proxy may live under a path. */
export function proxyBase(src: string): string | null {
  try {
    const url = new URL(src)
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null
    return url.origin + url.pathname.replace(/\/widget\.js$/, '').replace(/\/+$/, '')
  } catch {
    return null
  }
}

/**
 * `zchat('init', given)` as the strings data-* would give: numbers and booleans written out, objects
 * (`extra`) as JSON. An unknown name is reported and left out; a value of the wrong type fails its check.
 */
export function readInit(given: unknown, problems: string[]): Record<string, string> {
  const data: Record<string, string> = {}
  for (const [name, value] of Object.entries(given ?? {})) {
    if (!initNames.includes(name)) problems.push(`unknown option ${name}`)
    else data[name] = typeof value === 'object' ? JSON.stringify(value) : String(value)
  }
  return data
}

/**
 * Each option the loader reads: what it must look like, what the warning says it expects and how it
 * is read (as written, by default).
 */
const checks: Record<string, [RegExp, string, ((value: string) => unknown)?]> = {
  position: [/^(right|left)$/, '"right" or "left"'],
  greeting: [/^.{1,500}$/s, 'at most 500 characters'],
  greetingDelay: [/^\d{1,4}$/, 'a whole number', Number],
  open: [/^(true|false)$/, '"true" or "false"', (value) => value === 'true'],
  zIndex: [/^-?\d{1,10}$/, 'a whole number', Number],
  color: [/./, 'a CSS colour'],
}

/**
 * The options `zchat('init', {...})` takes: each `data-*` attribute in camelCase, but `global` (the
 * page already called the global by its name). Their types are in widget/zchat.d.ts.
 */
export const initNames = [
  ...Object.keys(checks),
  // Read by the chat (chat/site-options.ts), or by the loader without a check.
  ...(
    'lang prechat privacyUrl consent identity identitySignature title department pageUrl ' +
    'hours timezone extra departments channels theme'
  ).split(' '),
]

/**
 * `given`: the options `zchat('init')` gave, named as the page wrote them; the others are data-*.
 * An empty value counts as not given.
 */
export function readOptions(
  proxy: string,
  lang: Locale,
  data: Partial<Record<string, string>>,
  problems: string[],
  isColor: (value: string) => boolean,
  given: object = {},
): WidgetOptions {
  const options: Record<string, unknown> = {
    proxy,
    lang,
    position: 'right',
    open: false,
    // Passed on as written: the chat chunk reads what it alone uses, so the loader stays small.
    attributes: data,
  }
  for (const [name, [pattern, expected, read = String]] of Object.entries(checks)) {
    const value = data[name]?.trim()
    if (!value) continue
    if (pattern.test(value) && (name !== 'color' || isColor(value))) options[name] = read(value)
    else
      problems.push(
        `${name in given ? name : `data-${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`}="${data[name]}" (expected ${expected})`,
      )
  }
  return options as WidgetOptions
}
