/**
 * The site's opening hours: `data-hours="mon-fri 09:00-18:00; sat 09:00-13:00"` in the zone of
 * `data-timezone`. Parsed here, in the chat chunk (the loader only passes the strings on), and read
 * with Intl in that zone, so the visitor's own zone and clock settings do not matter.
 *
 * Grammar: rules separated by `;`, each `<days> <times>`. Days: `mon`..`sun`, ranges (`mon-fri`,
 * `sat-mon` wraps), comma lists (`mon,wed`) or `daily`. Times: `HH:MM-HH:MM`, comma lists; `24:00`
 * ends a day, and an end before the start runs past midnight (`fri 22:00-02:00` is open until 02:00
 * on Saturday). Days not named are closed.
 */

import { lang } from '../i18n/text.ts'
import type { ChoiceHours, Department } from './choice.ts'

/** Open on `day` (0 = Sunday, as Date#getDay) from minute `from` to `to` of that day; `to` may pass 1440. */
export type Span = { day: number; from: number; to: number }

/**
 * `label` is the hours as the visitor reads them, worded in the chat's language when read (the
 * language's chunk may arrive after the hours'): `Mon–Fri 09:00–18:00; Sat 09:00–13:00` in English,
 * `seg.–sex. 09:00–18:00` in Portuguese, `lun–vie 09:00–18:00` in Spanish.
 */
export type Hours = { spans: Span[]; readonly label: string }

export type Schedule = { hours: Hours; timeZone: string }

export const defaultTimeZone = 'America/Sao_Paulo'

const dayNames = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']
const minutesPerDay = 24 * 60

/**
 * One rule as written (`mon-fri`, `09:00-18:00`) in the language's words: its short weekday names
 * from Intl (`Mon`; `seg.` and `lun` in lower case, as Portuguese and Spanish write them in a
 * sentence) and typographic dashes.
 */
function labelRule(days: string, times: string): string {
  const format = new Intl.DateTimeFormat(lang, { weekday: 'short', timeZone: 'UTC' })
  // 1 January 2023 was a Sunday: day n of that week is weekday n, as Date#getDay counts.
  const dayName = (name: string) => format.format(Date.UTC(2023, 0, 1 + dayNames.indexOf(name)))
  const pretty = (s: string) => s.replace(/-/g, '–').replace(/,/g, ', ')
  // `daily` has no Intl word: every day, Monday to Sunday.
  return `${pretty((days === 'daily' ? 'mon-sun' : days).replace(/[a-z]+/g, dayName))} ${pretty(times)}`
}

/** `mon-fri` or `mon,wed` or `daily` -> day numbers; null when a name is unknown. */
function parseDays(text: string): number[] | null {
  if (text === 'daily') return [0, 1, 2, 3, 4, 5, 6]
  const days: number[] = []
  for (const part of text.split(',')) {
    const [first, last, extra] = part.split('-').map((name) => dayNames.indexOf(name))
    if (first === undefined || first < 0 || extra !== undefined) return null
    if (last !== undefined && last < 0) return null
    let day = first
    days.push(day)
    // `sat-mon` wraps past Sunday.
    while (last !== undefined && day !== last) {
      day = (day + 1) % 7
      days.push(day)
    }
  }
  return days
}

/** `09:00` -> 540; `24:00` only where `end` allows it; null when not a time of day. */
function parseTime(text: string, end: boolean): number | null {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text)
  if (!match) return null
  if (Number(match[2]) > 59) return null
  const minutes = Number(match[1]) * 60 + Number(match[2])
  return minutes < minutesPerDay || (end && minutes === minutesPerDay) ? minutes : null
}

function parseRanges(text: string): Array<{ from: number; to: number }> | null {
  const ranges: Array<{ from: number; to: number }> = []
  for (const part of text.split(',')) {
    const [start, end, extra] = part.split('-')
    if (start === undefined || end === undefined || extra !== undefined) return null
    const from = parseTime(start, false)
    const to = parseTime(end, true)
    if (from === null || to === null || from === to) return null
    ranges.push({ from, to: to < from ? to + minutesPerDay : to })
  }
  return ranges
}

/** The hours in `text`, or null when any rule cannot be read (the caller warns: always open). */
export function parseHours(text: string): Hours | null {
  const spans: Span[] = []
  const rules: Array<[days: string, times: string]> = []
  for (const raw of text.split(';')) {
    // `mon - fri  09:00 - 18:00` reads as `mon-fri 09:00-18:00`.
    const rule = raw
      .trim()
      .toLowerCase()
      .replace(/\s*([-,])\s*/g, '$1')
    if (rule === '') continue
    const [daysText, timesText, extra] = rule.split(/\s+/)
    if (daysText === undefined || timesText === undefined || extra !== undefined) return null
    const days = parseDays(daysText)
    const ranges = parseRanges(timesText)
    if (!days || !ranges) return null
    for (const day of days) for (const range of ranges) spans.push({ day, ...range })
    rules.push([daysText, timesText])
  }
  if (spans.length === 0) return null
  return {
    spans,
    get label() {
      return rules.map(([days, times]) => labelRule(days, times)).join('; ')
    },
  }
}

/** The weekday and minute of the day at `now` on the wall clocks of `timeZone`. */
export function localTime(timeZone: string, now: number): { day: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    hour: 'numeric',
    minute: 'numeric',
    hourCycle: 'h23',
  }).formatToParts(now)
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? ''
  return {
    day: dayNames.indexOf(part('weekday').toLowerCase()),
    minute: (Number(part('hour')) % 24) * 60 + Number(part('minute')),
  }
}

/** Whether the site is open at `now` (ms since the epoch) in `timeZone`. */
export function isOpen(hours: Hours, timeZone: string, now: number): boolean {
  const { day, minute } = localTime(timeZone, now)
  const yesterday = (day + 6) % 7
  return hours.spans.some(
    (span) =>
      (span.day === day && span.from <= minute && minute < span.to) ||
      // Yesterday's span that runs past midnight.
      (span.day === yesterday && minute + minutesPerDay < span.to),
  )
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone })
    return true
  } catch {
    return false
  }
}

/**
 * The snippet's `data-hours` and `data-timezone`, read once: null (always open) without hours or
 * with unreadable ones, which get one warning; an unknown zone is warned about and replaced.
 */
export function readSchedule(
  hoursText: string | undefined,
  zone: string | undefined,
  warn: (message: string) => void,
): Schedule | null {
  if (hoursText === undefined || hoursText.trim() === '') return null
  const hours = parseHours(hoursText)
  if (!hours) {
    warn(
      `ignoring data-hours="${hoursText}" (expected e.g. "mon-fri 09:00-18:00; sat 09:00-13:00"); the chat is always open`,
    )
    return null
  }
  return { hours, timeZone: readZone(zone, warn) }
}

/** `data-timezone`, or the default when it is not given (or not a zone, with a warning). */
function readZone(zone: string | undefined, warn: (message: string) => void): string {
  const given = zone?.trim()
  if (!given) return defaultTimeZone
  if (isTimeZone(given)) return given
  warn(`ignoring data-timezone="${zone}" (expected an IANA zone such as ${defaultTimeZone})`)
  return defaultTimeZone
}

/** Closed now, and the hours as the window words them: the site's, or its choice's (choice.ts). */
export type OpeningHours = { closed(): boolean; describeHours(): string | undefined }

/** `data-hours` and `data-timezone` when the site offers no choice of department. */
export function readSiteHours(
  site: { hours?: string | undefined; timezone?: string | undefined },
  now: () => number,
  warn: (message: string) => void,
): OpeningHours {
  const hours = choiceHours([], site, now, warn)
  return {
    closed: () => !hours.isOpen(),
    describeHours() {
      const label = hours.label()
      return label && hours.inZone(label)
    },
  }
}

/**
 * The hours of the departments the visitor chooses from (choice.ts), read once: each one's own
 * `hours`, else the site's `data-hours`, all in `data-timezone`; with no departments, the site's.
 * Unreadable hours get one warning each and mean always open, as the site's do.
 */
export function choiceHours(
  departments: readonly Department[],
  site: { hours?: string | undefined; timezone?: string | undefined },
  now: () => number,
  warn: (message: string) => void,
): ChoiceHours {
  const schedule = readSchedule(site.hours, site.timezone, warn)
  const zone = schedule?.timeZone ?? readZone(site.timezone, warn)
  const own = new Map<number, Hours | null>()
  for (const department of departments) {
    const text = department.hours
    const hours = text === undefined ? (schedule?.hours ?? null) : parseHours(text)
    if (text !== undefined && !hours)
      warn(
        `ignoring the hours "${text}" of data-departments' ${department.id} (expected e.g. "mon-fri 09:00-18:00"); it is always open`,
      )
    own.set(department.id, hours)
  }
  const of = (department?: Department) =>
    (department ? own.get(department.id) : schedule?.hours) ?? null
  return {
    isOpen(department) {
      const hours = of(department)
      return !hours || isOpen(hours, zone, now())
    },
    label: (department) => of(department)?.label,
    inZone: (text) => hoursIn(text, zone),
  }
}

/**
 * The hours with their zone, in the chat's language: "seg.–sex. 09:00–18:00 (horário de Sao Paulo)".
 * Its words travel with the hours (this chunk, fetched only on sites that set them).
 */
export function hoursIn(hours: string, timeZone: string): string {
  const city = zoneCity(timeZone)
  return lang === 'pt-BR'
    ? `${hours} (horário de ${city})`
    : lang === 'es'
      ? `${hours} (hora de ${city})`
      : `${hours} (${city} time)`
}

/** `America/Sao_Paulo` -> `Sao Paulo`: how the widget names the zone of the hours it shows. */
export function zoneCity(timeZone: string): string {
  return (timeZone.split('/').pop() ?? timeZone).replace(/_/g, ' ')
}
