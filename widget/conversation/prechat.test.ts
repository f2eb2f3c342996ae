import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createFakeTransport, memorySessionStore } from '../testing/fakes.ts'
import { createConversationModel } from './model.ts'
import { type PrechatSettings, readPrechatFields } from './prechat.ts'
import { fieldProblem } from './validate.ts'

function setup(prechat: PrechatSettings) {
  const fake = createFakeTransport()
  const model = createConversationModel({
    transport: fake.transport,
    session: memorySessionStore(),
    startContext: () => ({ department: 1 }),
    newClientId: () => 'client-1',
    prechat,
  })
  model.restore()
  const write = (text: string) => {
    model.setDraft(text)
    model.send()
  }
  return { model, fake, write }
}

const settle = () => vi.advanceTimersByTimeAsync(0)
beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

const asked = readPrechatFields('name*,email*,phone,cpf').fields

describe('readPrechatFields', () => {
  it('reads the fields in display order, * marking the required ones', () => {
    expect(readPrechatFields(' cpf* , Name,email* ')).toEqual({
      fields: [
        { field: 'cpf', required: true },
        { field: 'name', required: false },
        { field: 'email', required: true },
      ],
      problems: [],
    })
    expect(readPrechatFields('').fields).toEqual([])
  })

  it('reports and leaves out unknown and repeated fields', () => {
    expect(readPrechatFields('name,company*,name*')).toEqual({
      fields: [{ field: 'name', required: false }],
      problems: ['"company*" (expected name, email, phone or cpf)', '"name*" (repeated)'],
    })
  })
})

describe('fieldProblem', () => {
  it('tells a missing required value from an invalid one, and lets an optional one be empty', () => {
    expect(fieldProblem('cpf', ' ', true)).toBe('missing')
    expect(fieldProblem('cpf', '', false)).toBeNull()
    expect(fieldProblem('cpf', '111.111.111-11', false)).toBe('invalid')
    expect(fieldProblem('cpf', '529.982.247-25', true)).toBeNull()
    expect(fieldProblem('phone', '(11) 3333-4444', true)).toBeNull()
    expect(fieldProblem('phone', '(11) 8333-44445', true)).toBe('invalid')
    expect(fieldProblem('email', 'ana@example', true)).toBe('invalid')
    expect(fieldProblem('name', 'Ana', true)).toBeNull()
  })
})

describe('a configured pre-chat form', () => {
  it('does not start until the required fields are filled and every filled one is valid', async () => {
    const { model, fake, write } = setup({ fields: asked, consentRequired: false })
    expect(model.prechat.skipFields.value).toBe(false)
    write('Hello')
    expect(model.prechat.problems.value).toEqual({ name: 'missing', email: 'missing' })
    expect(model.phase.value.name).toBe('prechat')
    expect(model.draft.value).toBe('Hello')
    model.setProfile({ name: 'Ana', email: 'ana@example.com', cpf: '123.456.789-00' })
    // The problems follow the visitor's corrections.
    expect(model.prechat.problems.value).toEqual({ cpf: 'invalid' })
    write('Hello')
    expect(fake.transport.start).not.toHaveBeenCalled()
    model.setProfile({ cpf: '529.982.247-25', phone: '(11) 99141-7777' })
    write('Hello')
    await settle()
    expect(fake.transport.start).toHaveBeenCalledWith({
      department: 1,
      visitor: {
        name: 'Ana',
        email: 'ana@example.com',
        phone: '(11) 99141-7777',
        cpf: '529.982.247-25',
      },
    })
  })

  it('is skipped when the site identified the visitor with every required field', async () => {
    const { model, fake, write } = setup({ fields: asked, consentRequired: false })
    model.identify({ name: 'Ana' })
    expect(model.prechat.skipFields.value).toBe(false)
    model.identify({ email: 'ana@example.com' })
    expect(model.prechat.skipFields.value).toBe(true)
    write('Hello')
    await settle()
    expect(model.prechat.problems.value).toEqual({})
    expect(fake.transport.start).toHaveBeenCalledWith({
      department: 1,
      visitor: { name: 'Ana', email: 'ana@example.com' },
    })
  })

  it('is not skipped for details the site got wrong, nor, with no field required, for some of them', () => {
    const required = setup({ fields: asked, consentRequired: false })
    required.model.identify({ name: 'Ana', email: 'ana@' })
    expect(required.model.prechat.skipFields.value).toBe(false)
    const optional = setup({
      fields: readPrechatFields('name,email').fields,
      consentRequired: false,
    })
    optional.model.identify({ name: 'Ana' })
    expect(optional.model.prechat.skipFields.value).toBe(false)
    optional.model.identify({ email: 'ana@example.com' })
    expect(optional.model.prechat.skipFields.value).toBe(true)
  })

  it('waits for the privacy-policy consent when the site requires it, even with the fields skipped', async () => {
    const { model, fake, write } = setup({
      fields: asked,
      privacyUrl: 'https://site.test/privacy',
      consentRequired: true,
    })
    model.identify({ name: 'Ana', email: 'ana@example.com' })
    write('Hello')
    expect(model.prechat.problems.value).toEqual({ consent: 'missing' })
    expect(fake.transport.start).not.toHaveBeenCalled()
    model.prechat.setConsent(true)
    expect(model.prechat.problems.value).toEqual({})
    write('Hello')
    await settle()
    expect(fake.transport.start).toHaveBeenCalledOnce()
  })

  it('with no fields and no consent, starts on the first message', async () => {
    const { fake, write } = setup({ fields: [], consentRequired: false })
    write('Hello')
    await settle()
    expect(fake.transport.start).toHaveBeenCalledWith({ department: 1 })
  })
})
