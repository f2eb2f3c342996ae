/** Display helpers shared by the message components. Pure, so Node tests cover them. */
import { lang } from '../i18n/text.ts'

/** Only http(s) URLs become links or images; `javascript:`, `data:` and the rest stay plain text. */
export function safeUrl(value: string): string | null {
  try {
    const url = new URL(value)
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null
  } catch {
    return null
  }
}

export function formatTime(at: string): string {
  const date = new Date(at)
  if (Number.isNaN(date.getTime())) return ''
  return date.toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit' })
}

export type TextPart = { text: string; href?: string }

/**
 * `url` without its trailing punctuation, which usually ends the sentence, not the URL. A loop, not
 * `/[.,;:!?)\]]+$/`: the engine tries that pattern from every character of a run, each try running
 * to the run's end, and an agent's `http://a` with 60,000 dots and a letter after took 1.75 s of the
 * visitor's page. The characters in a string, not a Set: the chat on open is at its size budget.
 */
function trimSentenceEnd(url: string): string {
  let end = url.length
  while (end > 0 && '.,;:!?)]'.includes(url[end - 1]!)) end--
  return url.slice(0, end)
}

/**
 * Splits message text into plain runs and http(s) links, so links are clickable without any HTML.
 * An agent writes this text: every pattern here must be linear on any input (ui/AgentText.test.tsx).
 */
export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = []
  let last = 0
  // One unbounded run, and nothing after it that could fail: linear.
  for (const match of text.matchAll(/\bhttps?:\/\/[^\s<>"']+/gi)) {
    const raw = trimSentenceEnd(match[0])
    const href = safeUrl(raw)
    if (!href) continue
    if (match.index > last) parts.push({ text: text.slice(last, match.index) })
    parts.push({ text: raw, href })
    last = match.index + raw.length
  }
  if (last < text.length) parts.push({ text: text.slice(last) })
  return parts
}

/**
 * A file's size for people, in the chat's language: "512 bytes", "1.5 kB", "12 MB" in English,
 * "1,5 kB" in Portuguese and Spanish. Binary multiples, as file managers count; one decimal below ten.
 */
export function formatSize(bytes: number): string {
  const [value, unit] =
    bytes < 1024
      ? [bytes, 'byte']
      : bytes < 1024 ** 2
        ? [bytes / 1024, 'kilobyte']
        : [bytes / 1024 ** 2, 'megabyte']
  return new Intl.NumberFormat(lang, {
    style: 'unit',
    unit,
    // "bytes" in words (the short form is "byte" or "B", depending on the language); kB and MB as symbols.
    unitDisplay: unit === 'byte' ? 'long' : 'short',
    maximumFractionDigits: value < 10 ? 1 : 0,
  }).format(value)
}
