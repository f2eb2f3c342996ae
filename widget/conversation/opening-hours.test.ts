import { describe, expect, it, vi } from 'vitest'
import { loadLanguage } from '../i18n/text.ts'
import {
  type Hours,
  isOpen,
  localTime,
  parseHours,
  readSchedule,
  readSiteHours,
  zoneCity,
} from './opening-hours.ts'

const at = (iso: string) => Date.parse(iso)

function hours(text: string): Hours {
  const parsed = parseHours(text)
  if (!parsed) throw new Error(`unreadable: ${text}`)
  return parsed
}

describe('parseHours', () => {
  it('reads days, ranges of days, lists and several times a day, and labels them for the visitor', () => {
    expect(hours('mon-fri 09:00-18:00; sat 09:00-13:00').label).toBe(
      'Mon–Fri 09:00–18:00; Sat 09:00–13:00',
    )
    expect(hours(' Mon , Wed  09:00 - 12:00 , 13:00-18:00 ;').label).toBe(
      'Mon, Wed 09:00–12:00, 13:00–18:00',
    )
    expect(hours('mon,wed 9:00-12:00,13:00-18:00').spans).toEqual([
      { day: 1, from: 540, to: 720 },
      { day: 1, from: 780, to: 1080 },
      { day: 3, from: 540, to: 720 },
      { day: 3, from: 780, to: 1080 },
    ])
    expect(hours('daily 00:00-24:00').spans.map((s) => s.day)).toEqual([0, 1, 2, 3, 4, 5, 6])
  })

  it('names the days in the chat’s language, through Intl, when the label is read', async () => {
    const parsed = hours('mon-fri 09:00-18:00; sat,sun 10:00-13:00')
    try {
      await loadLanguage('pt-BR')
      expect(parsed.label).toBe('seg.–sex. 09:00–18:00; sáb., dom. 10:00–13:00')
      await loadLanguage('es')
      expect(parsed.label).toBe('lun–vie 09:00–18:00; sáb, dom 10:00–13:00')
      expect(hours('daily 08:00-20:00').label).toBe('lun–dom 08:00–20:00')
    } finally {
      await loadLanguage('en')
    }
    expect(parsed.label).toBe('Mon–Fri 09:00–18:00; Sat, Sun 10:00–13:00')
    expect(hours('daily 08:00-20:00').label).toBe('Mon–Sun 08:00–20:00')
  })

  it('wraps a range of days past Sunday, and a range of times past midnight', () => {
    expect(hours('sat-mon 10:00-14:00').spans.map((s) => s.day)).toEqual([6, 0, 1])
    expect(hours('fri 22:00-02:00').spans).toEqual([{ day: 5, from: 1320, to: 1440 + 120 }])
  })

  it('refuses what it cannot read, rather than guess', () => {
    for (const bad of [
      'mon-fry 09:00-18:00',
      'mon 9-18',
      'mon 09:00',
      'mon 25:00-26:00',
      'mon 24:00-10:00',
      'mon 09:60-10:00',
      'mon 09:00-09:00',
      'mon 09:00-10:00-11:00',
      'mon-tue-wed 09:00-10:00',
      'mon',
      '09:00-18:00',
      'mon 09:00-18:00 sat',
      'weekdays 09:00-18:00',
      ';',
    ]) {
      expect(parseHours(bad), bad).toBeNull()
    }
  })
})

describe('isOpen', () => {
  const office = hours('mon-fri 09:00-18:00; sat 09:00-13:00')
  const saoPaulo = 'America/Sao_Paulo' // UTC-3 all year

  it('opens and closes on the minute, in the site’s zone', () => {
    // Monday 3 March 2025.
    expect(isOpen(office, saoPaulo, at('2025-03-03T11:59:00Z'))).toBe(false)
    expect(isOpen(office, saoPaulo, at('2025-03-03T12:00:00Z'))).toBe(true)
    expect(isOpen(office, saoPaulo, at('2025-03-03T20:59:59Z'))).toBe(true)
    expect(isOpen(office, saoPaulo, at('2025-03-03T21:00:00Z'))).toBe(false)
    // Saturday morning only; Sunday closed.
    expect(isOpen(office, saoPaulo, at('2025-03-08T15:59:00Z'))).toBe(true)
    expect(isOpen(office, saoPaulo, at('2025-03-08T16:00:00Z'))).toBe(false)
    expect(isOpen(office, saoPaulo, at('2025-03-09T14:00:00Z'))).toBe(false)
  })

  it('puts the same instant on different days in different zones', () => {
    const fridays = hours('fri 00:00-24:00')
    // Friday 02:00 UTC is still Thursday 23:00 in São Paulo, already Friday in Lisbon and Tokyo.
    const instant = at('2025-03-07T02:00:00Z')
    expect(isOpen(fridays, saoPaulo, instant)).toBe(false)
    expect(isOpen(fridays, 'Europe/Lisbon', instant)).toBe(true)
    expect(isOpen(fridays, 'Asia/Tokyo', instant)).toBe(true)
    // Sunday 23:30 UTC is Monday 08:30 in Tokyo: not yet open; an hour later it is.
    expect(isOpen(office, 'Asia/Tokyo', at('2025-03-02T23:30:00Z'))).toBe(false)
    expect(isOpen(office, 'Asia/Tokyo', at('2025-03-03T00:30:00Z'))).toBe(true)
  })

  it('keeps a span that runs past midnight open into the next day, and only until its end', () => {
    const late = hours('fri 22:00-02:00')
    expect(isOpen(late, 'UTC', at('2025-03-07T21:59:00Z'))).toBe(false)
    expect(isOpen(late, 'UTC', at('2025-03-07T23:00:00Z'))).toBe(true)
    expect(isOpen(late, 'UTC', at('2025-03-08T01:59:00Z'))).toBe(true)
    expect(isOpen(late, 'UTC', at('2025-03-08T02:00:00Z'))).toBe(false)
    // Thursday night is not Friday's.
    expect(isOpen(late, 'UTC', at('2025-03-07T01:00:00Z'))).toBe(false)
    // Saturday 23:00 -> Sunday: wraps the week.
    const weekend = hours('sat 23:00-01:00')
    expect(isOpen(weekend, 'UTC', at('2025-03-09T00:30:00Z'))).toBe(true)
  })

  it('ends a 24:00 day at midnight', () => {
    const mondays = hours('mon 00:00-24:00')
    expect(isOpen(mondays, 'UTC', at('2025-03-03T00:00:00Z'))).toBe(true)
    expect(isOpen(mondays, 'UTC', at('2025-03-03T23:59:59Z'))).toBe(true)
    expect(isOpen(mondays, 'UTC', at('2025-03-04T00:00:00Z'))).toBe(false)
  })

  it('follows daylight saving time', () => {
    const sundays = hours('sun 09:00-17:00')
    // New York: 13:00 UTC is 08:00 EST on 2 March, 09:00 EDT on 9 March (the clocks went forward).
    expect(isOpen(sundays, 'America/New_York', at('2025-03-02T13:00:00Z'))).toBe(false)
    expect(isOpen(sundays, 'America/New_York', at('2025-03-09T13:00:00Z'))).toBe(true)
    expect(localTime('America/New_York', at('2025-03-09T13:00:00Z'))).toEqual({
      day: 0,
      minute: 9 * 60,
    })
  })
})

describe('readSchedule', () => {
  it('reads hours in São Paulo by default, or in the zone given', () => {
    const warn = vi.fn()
    expect(readSchedule('mon 09:00-18:00', undefined, warn)?.timeZone).toBe('America/Sao_Paulo')
    expect(readSchedule('mon 09:00-18:00', 'Europe/Lisbon', warn)?.timeZone).toBe('Europe/Lisbon')
    expect(readSchedule(undefined, 'Europe/Lisbon', warn)).toBeNull()
    expect(readSchedule('  ', undefined, warn)).toBeNull()
    expect(warn).not.toHaveBeenCalled()
  })

  it('warns once about unreadable hours and means always open', () => {
    const warn = vi.fn()
    expect(readSchedule('weekdays 9 to 5', 'Europe/Lisbon', warn)).toBeNull()
    expect(warn).toHaveBeenCalledOnce()
    expect(warn.mock.calls[0]?.[0]).toMatch(/data-hours="weekdays 9 to 5".*always open/)
  })

  it('warns about an unknown zone and uses São Paulo', () => {
    const warn = vi.fn()
    expect(readSchedule('mon 09:00-18:00', 'Mars/Olympus', warn)?.timeZone).toBe(
      'America/Sao_Paulo',
    )
    expect(warn).toHaveBeenCalledOnce()
    expect(warn.mock.calls[0]?.[0]).toMatch(/data-timezone="Mars\/Olympus"/)
  })

  it('names a zone by its city', () => {
    expect(zoneCity('America/Sao_Paulo')).toBe('Sao Paulo')
    expect(zoneCity('UTC')).toBe('UTC')
  })
})

describe('readSiteHours', () => {
  // Wednesday 15 January 2025, 10:00 in São Paulo, 13:00 in Lisbon.
  const now = () => Date.parse('2025-01-15T13:00:00Z')

  it('is closed outside the hours, on the given clock, and says them in their zone', () => {
    const warn = vi.fn()
    const open = readSiteHours({ hours: 'mon-fri 09:00-12:00' }, now, warn)
    expect(open.closed()).toBe(false)
    const lisbon = readSiteHours(
      { hours: 'mon-fri 09:00-12:00', timezone: 'Europe/Lisbon' },
      now,
      warn,
    )
    expect(lisbon.closed()).toBe(true)
    expect(lisbon.describeHours()).toBe('Mon–Fri 09:00–12:00 (Lisbon time)')
    expect(warn).not.toHaveBeenCalled()
  })

  it('is always open, with one warning, when the hours cannot be read', () => {
    const warn = vi.fn()
    const hours = readSiteHours({ hours: 'weekdays 9 to 5' }, now, warn)
    expect([hours.closed(), hours.describeHours()]).toEqual([false, undefined])
    expect(warn).toHaveBeenCalledOnce()
  })
})
