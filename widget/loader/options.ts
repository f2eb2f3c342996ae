/**
 * Reads the embed script's `src`, its `data-*` attributes and the page's `zchat('init', {...})` into
 * WidgetOptions. A bad value is reported (the caller warns once, naming it as the page wrote it) and
 * replaced by its default: a typo in a snippet must not break the page.
 */
import type { WidgetOptions } from '../contract.ts'
import type { Locale } from '../i18n/locale.ts'

/**
 * The options `zchat('init', {...})` takes: each `data-*` attribute in camelCase, but `global` (the
 * page already called the global by its name). Their types are in widget/zchat.d.ts.
 */
const initNames =
  'department title lang color zIndex position greeting open prechat privacyUrl consent identity identitySignature hours timezone extra pageUrl'.split(
    ' ',
  )

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
 * `zchat('init', given)` as the strings data-* would give: numbers and booleans written out, `extra`
 * as JSON. An unknown name or a value of another type is reported and left out.
 */
export function readInit(given: unknown, problems: string[]): Record<string, string> {
  const data: Record<string, string> = {}
  if (given === undefined) return data
  if (typeof given !== 'object' || given === null) {
    problems.push("zchat('init', options) without an object")
    return data
  }
  for (const [name, value] of Object.entries(given)) {
    if (!initNames.includes(name)) problems.push(`unknown option ${name}`)
    else if (name === 'extra' && typeof value === 'object') data[name] = JSON.stringify(value)
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      data[name] = String(value)
    else problems.push(`option ${name} of type ${typeof value}`)
  }
  return data
}

/** `given`: the options `zchat('init')` gave, named as the page wrote them; the others are data-*. */
export function readOptions(
  proxy: string,
  lang: Locale,
  data: Partial<Record<string, string>>,
  problems: string[],
  isColor: (value: string) => boolean,
  given: object = {},
): WidgetOptions {
  const options: WidgetOptions = {
    proxy,
    lang,
    position: 'right',
    open: false,
    pageUrl: 'path',
    attributes: data,
  }
  const reject = (name: string, expected: string) =>
    problems.push(
      `${name in given ? name : `data-${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`}="${data[name]}" (expected ${expected})`,
    )

  const { department, title, color, position, greeting, open, pageUrl, hours, timezone, zIndex } =
    data
  if (department !== undefined) {
    const n = Number(department)
    if (/^\d+$/.test(department.trim()) && Number.isSafeInteger(n) && n > 0) options.department = n
    else reject('department', 'a positive whole number')
  }
  if (title !== undefined) {
    const text = title.trim()
    if (text && text.length <= 100) options.title = text
    else reject('title', 'text of 1 to 100 characters')
  }
  if (color !== undefined) {
    if (isColor(color.trim())) options.color = color.trim()
    else reject('color', 'a CSS colour')
  }
  if (position !== undefined) {
    if (position === 'left' || position === 'right') options.position = position
    else reject('position', '"right" or "left"')
  }
  if (greeting !== undefined) {
    const text = greeting.trim()
    if (text.length <= 500) {
      if (text) options.greeting = text
    } else reject('greeting', 'at most 500 characters')
  }
  if (open !== undefined) {
    if (open === 'true' || open === 'false') options.open = open === 'true'
    else reject('open', '"true" or "false"')
  }
  if (pageUrl !== undefined) {
    if (pageUrl === 'path' || pageUrl === 'full' || pageUrl === 'none') options.pageUrl = pageUrl
    else reject('pageUrl', '"path", "full" or "none"')
  }
  if (zIndex !== undefined) {
    if (/^-?\d{1,10}$/.test(zIndex.trim())) options.zIndex = Number(zIndex)
    else reject('zIndex', 'a whole number')
  }
  // Passed on as written: the chat chunk reads them, so the loader stays small.
  if (hours !== undefined) options.hours = hours
  if (timezone !== undefined) options.timeZone = timezone
  return options
}
