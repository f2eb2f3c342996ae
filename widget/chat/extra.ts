/**
 * The site's extra, checked when a conversation starts: what fits reaches zChat, the rest is named
 * in one console warning. Here and not in the loader, which every page pays for.
 */

import { extraLimits, extraProblems, type SiteExtra } from '../../protocol/extra.ts'
import { warn } from '../warn.ts'

/** Keeps each key that fits on its own; the problems name the others. */
export function checkExtra(value: unknown): { extra: SiteExtra; problems: string[] } {
  const whole = extraProblems(value)
  if (whole.length === 0) return { extra: value as SiteExtra, problems: [] }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { extra: {}, problems: whole }
  const extra: SiteExtra = {}
  for (const [key, item] of Object.entries(value).slice(0, extraLimits.keys)) {
    if (extraProblems({ [key]: item }).length === 0) extra[key] = item as SiteExtra[string]
  }
  return { extra, problems: whole }
}

/** `data-extra`, parsed only (checkExtra checks it, and warns, when a conversation starts). */
export function readExtra(json: string | undefined): Record<string, unknown> {
  if (json === undefined) return {}
  try {
    const value: unknown = JSON.parse(json)
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>
  } catch {}
  warn('ignoring data-extra: expected a JSON object of keys and values')
  return {}
}
