import { signal } from '@preact/signals'
import { describe, expect, it } from 'vitest'
import type { VisitorProfile } from '../../protocol/schemas.ts'
import type { Channel } from '../../protocol/wire.ts'
import { createChoice, type Department, readChannels, readDepartments } from './choice.ts'
import { choiceHours } from './opening-hours.ts'

const sales = { id: 7, label: 'Vendas' }
const support = { id: 8, label: 'Suporte técnico' }

function read<T>(reader: (text: string, problems: string[]) => T, text: string) {
  const problems: string[] = []
  return { value: reader(text, problems), problems }
}

describe('readDepartments', () => {
  it('reads ids and labels in order, with their own hours', () => {
    expect(
      read(
        readDepartments,
        ' [{"id":7,"label":" Vendas "},{"id":8,"label":"Suporte técnico","hours":"daily 08:00-20:00","color":"x"}]',
      ),
    ).toEqual({
      value: [sales, { ...support, hours: 'daily 08:00-20:00' }],
      problems: [],
    })
  })

  it('leaves the whole list out for bad JSON or a bad entry, with one problem that names the fallback', () => {
    for (const text of [
      '[{"id":7,"label":"Vendas"}',
      '{"id":7,"label":"Vendas"}',
      '[]',
      '[{"id":"7","label":"Vendas"}]',
      '[{"id":0,"label":"Vendas"}]',
      '[{"id":7}]',
      '[{"id":7,"label":"  "}]',
      '[{"id":7,"label":"Vendas","hours":9}]',
      '[{"id":7,"label":"Vendas"},{"id":7,"label":"Suporte"}]',
      JSON.stringify(Array.from({ length: 21 }, (_, i) => ({ id: i + 1, label: `D${i}` }))),
    ]) {
      const { value, problems } = read(readDepartments, text)
      expect(value, text).toEqual([])
      expect(problems, text).toEqual([
        'data-departments (expected JSON like [{"id":7,"label":"Vendas"}]); using data-department',
      ])
    }
  })
})

describe('readChannels', () => {
  it('reads the channels in the order offered, once each, reporting unknown ones', () => {
    expect(read(readChannels, ' WhatsApp, web ,sms,whatsapp')).toEqual({
      value: ['whatsapp', 'web', 'sms'],
      problems: [],
    })
    expect(read(readChannels, 'web,fax,')).toEqual({
      value: ['web'],
      problems: ['data-channels: "fax" (expected web, whatsapp or sms)'],
    })
    expect(read(readChannels, '').value).toEqual(['web'])
  })
})

function setup(departments: Department[], channels: Channel[] = ['web'], preselect?: number) {
  const attempts = signal(0)
  const profile = signal<VisitorProfile>({})
  const choice = createChoice({ departments, channels, preselect }, { attempts, profile })
  const tryToStart = () => {
    attempts.value++
    return choice.ok()
  }
  return { choice, attempts, profile, tryToStart }
}

describe('createChoice', () => {
  it('asks for a department once the visitor tries to start, then sends the one chosen', () => {
    const { choice, tryToStart } = setup([sales, support])
    expect(choice.problems.value).toEqual({})
    expect(tryToStart()).toBe(false)
    expect(choice.problems.value).toEqual({ department: 'missing' })
    choice.choose(8)
    expect(choice.problems.value).toEqual({})
    expect(tryToStart()).toBe(true)
    expect(choice.context()).toEqual({ department: 8 })
    expect(choice.chosenDepartment()).toBe(8)
  })

  it('starts on data-department when it is one of them, or on the only one; nothing to ask otherwise', () => {
    expect(setup([sales, support], ['web'], 8).choice.department.value).toBe(8)
    expect(setup([sales, support], ['web'], 99).choice.department.value).toBeNull()
    expect(setup([sales]).choice.department.value).toBe(7)
    const none = setup([])
    expect(none.tryToStart()).toBe(true)
    expect(none.choice.context()).toEqual({})
  })

  it('answers in the chat by default, and needs a Brazilian phone to answer on WhatsApp', () => {
    const { choice, profile, tryToStart } = setup([], ['web', 'whatsapp'])
    expect(choice.channel.value).toBe('web')
    choice.setChannel('whatsapp')
    expect(tryToStart()).toBe(false)
    expect(choice.problems.value).toEqual({ phone: 'missing' })
    profile.value = { phone: '91417777' }
    expect(choice.problems.value).toEqual({ phone: 'invalid' })
    profile.value = { phone: '(11) 99141-7777' }
    expect(tryToStart()).toBe(true)
    expect(choice.context()).toEqual({ channel: 'whatsapp' })
    // Back to the chat, the phone is the form's business again.
    choice.setChannel('web')
    profile.value = { phone: 'zap' }
    expect(choice.problems.value).toEqual({})
  })

  it('offers the first channel the site lists when the chat is not one of them', () => {
    expect(setup([], ['sms', 'whatsapp']).choice.channel.value).toBe('sms')
  })
})

describe('departments with their own opening hours', () => {
  // Wednesday 15 January 2025, 10:00 in São Paulo.
  const wednesdayMorning = Date.parse('2025-01-15T13:00:00Z')
  const hoursOf = (departments: Department[], site: { hours?: string; timezone?: string } = {}) => {
    const warnings: string[] = []
    const hours = choiceHours(
      departments,
      site,
      () => wednesdayMorning,
      (w) => warnings.push(w),
    )
    return { hours, warnings }
  }
  const finance = { id: 9, label: 'Financeiro', hours: 'sat 09:00-13:00' }

  it('makes a closed department unchoosable, and says when it opens', () => {
    const departments = [sales, { ...support, hours: 'mon-fri 09:00-18:00' }, finance]
    const { choice, tryToStart } = setup(departments, ['web'], 9)
    choice.hours.value = hoursOf(departments).hours
    expect(departments.map((d) => choice.isClosed(d))).toEqual([false, false, true])
    // Chosen before the hours were read: it no longer counts.
    expect(tryToStart()).toBe(false)
    expect(choice.problems.value).toEqual({ department: 'missing' })
    expect(choice.context()).toEqual({})
    expect(choice.closed()).toBe(false)
    expect(choice.hours.value?.label(finance)).toBe('Sat 09:00–13:00')
  })

  it("gives departments without hours the site's, and is closed when every department is", () => {
    const departments = [sales, finance]
    const { choice } = setup(departments)
    expect(choice.closed()).toBe(false)
    const { hours, warnings } = hoursOf(departments, {
      hours: 'sun 10:00-12:00',
      timezone: 'America/Sao_Paulo',
    })
    choice.hours.value = hours
    expect(choice.closed()).toBe(true)
    expect(choice.describeHours()).toBe(
      'Vendas: Sun 10:00–12:00; Financeiro: Sat 09:00–13:00 (Sao Paulo time)',
    )
    expect(warnings).toEqual([])
  })

  it('keeps the site’s hours when there is no department to choose', () => {
    const { choice } = setup([], ['web', 'whatsapp'])
    choice.hours.value = hoursOf([], { hours: 'mon-fri 09:00-18:00' }).hours
    expect(choice.closed()).toBe(false)
    choice.hours.value = hoursOf([], { hours: 'sat 09:00-18:00' }).hours
    expect(choice.closed()).toBe(true)
    expect(choice.describeHours()).toBe('Sat 09:00–18:00 (Sao Paulo time)')
  })

  it('warns once about hours it cannot read, and keeps that department open', () => {
    const broken = { id: 10, label: 'Ouvidoria', hours: 'whenever' }
    const { hours, warnings } = hoursOf([broken], { timezone: 'Mars/Base' })
    expect(hours.isOpen(broken)).toBe(true)
    expect(warnings).toEqual([
      'ignoring data-timezone="Mars/Base" (expected an IANA zone such as America/Sao_Paulo)',
      'ignoring the hours "whenever" of data-departments\' 10 (expected e.g. "mon-fri 09:00-18:00"); it is always open',
    ])
  })
})
