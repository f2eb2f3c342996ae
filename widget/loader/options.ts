/**
 * Reads the embed script's `src` and `data-*` attributes into WidgetOptions. A bad value is reported
 * (the caller warns once) and replaced by its default: a typo in a snippet must not break the page.
 */
import type { WidgetOptions } from '../contract.ts'
import type { Locale } from '../i18n/locale.ts'

export type OptionsResult = { options: WidgetOptions; problems: string[] }

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

export function readOptions(
  proxy: string,
  lang: Locale,
  data: Partial<Record<string, string>>,
  isColor: (value: string) => boolean,
): OptionsResult {
  const problems: string[] = []
  const options: WidgetOptions = {
    proxy,
    lang,
    position: 'right',
    open: false,
    pageUrl: 'path',
    attributes: data,
  }
  const reject = (name: string, expected: string) =>
    problems.push(`data-${name}="${data[name]}" (expected ${expected})`)

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
    else problems.push(`data-page-url="${pageUrl}" (expected "path", "full" or "none")`)
  }
  if (zIndex !== undefined) {
    if (/^-?\d{1,10}$/.test(zIndex.trim())) options.zIndex = Number(zIndex)
    else reject('zIndex', 'a whole number')
  }
  // Passed on as written: the chat chunk reads them, so the loader stays small.
  if (hours !== undefined) options.hours = hours
  if (timezone !== undefined) options.timeZone = timezone
  return { options, problems }
}
