/**
 * The site's own `extra`: key/value data the embedding site attaches to a conversation, passed to
 * zChat's `extra` with its keys intact (zChat echoes it on every trigger: docs/zchat/README.md#what-you-send).
 * One checker for both sides: the widget warns and drops what does not fit, the proxy refuses it.
 * No dependencies, so the loader can carry it.
 */

export type ExtraValue = string | number | boolean | null
export type SiteExtra = Record<string, ExtraValue>

/** Keys the proxy writes for itself; a site may not use them. */
export const reservedExtraPrefix = 'widget_'

export const extraLimits = { keys: 20, keyLength: 40, valueLength: 500 } as const

const keyPattern = /^[A-Za-z0-9_.-]+$/

/** Problems with a site's extra, as sentences naming the key; none means it is fine. */
export function extraProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return ['extra must be a JSON object of keys and values']
  const entries = Object.entries(value)
  const problems: string[] = []
  if (entries.length > extraLimits.keys)
    problems.push(`extra has ${entries.length} keys; at most ${extraLimits.keys}`)
  for (const [key, item] of entries) {
    if (key.length > extraLimits.keyLength || !keyPattern.test(key))
      problems.push(
        `extra key "${key.slice(0, 60)}": 1 to ${extraLimits.keyLength} letters, digits, _ . or -`,
      )
    else if (key.startsWith(reservedExtraPrefix))
      problems.push(
        `extra key "${key}": keys starting with ${reservedExtraPrefix} are the widget's`,
      )
    const type = item === null ? 'null' : typeof item
    if (type !== 'string' && type !== 'number' && type !== 'boolean' && type !== 'null')
      problems.push(`extra key "${key.slice(0, 60)}": a string, number, true/false or null`)
    else if (typeof item === 'string' && item.length > extraLimits.valueLength)
      problems.push(`extra key "${key}": at most ${extraLimits.valueLength} characters`)
    else if (typeof item === 'number' && !Number.isFinite(item))
      problems.push(`extra key "${key}": a finite number`)
  }
  return problems
}
