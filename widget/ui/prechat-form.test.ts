import { describe, expect, it } from 'vitest'
import { createConversationModel } from '../conversation/model.ts'
import { defaultPrechat, type PrechatSettings, readPrechatFields } from '../conversation/prechat.ts'
import { createFakeTransport, memorySessionStore } from '../testing/fakes.ts'
import { type Element, findAll, labelOf, renderTree, textOf } from '../testing/tree.ts'
import { PrechatFields } from './PrechatForm.tsx'

function setup(prechat: PrechatSettings) {
  const model = createConversationModel({
    transport: createFakeTransport().transport,
    session: memorySessionStore(),
    startContext: () => ({ department: 1 }),
    newClientId: () => 'client-1',
    prechat,
  })
  model.restore()
  const render = () => renderTree(PrechatFields({ model }))
  /** The form's fields as a visitor's screen reader lists them. */
  const fields = () =>
    findAll(render(), (e) => e.tag === 'input').map((input) => ({
      name: labelOf(render(), String(input.props.id)),
      type: input.props.type,
      required: input.props.required,
    }))
  const input = (id: string) => findAll(render(), (e) => e.props.id === id)[0] as Element
  const errorOf = (id: string) => {
    const describedBy = input(id).props['aria-describedby']
    if (describedBy === undefined) return undefined
    const error = findAll(render(), (e) => e.props.id === describedBy)[0]
    return error && { role: error.props.role, text: textOf(error) }
  }
  const tryToStart = () => {
    model.setDraft('Hello')
    model.send()
  }
  return { model, render, fields, input, errorOf, tryToStart }
}

describe('PrechatFields', () => {
  it('shows, by default, the optional name and email it always has', () => {
    const { render, fields } = setup(defaultPrechat)
    expect(textOf(findAll(render(), (e) => e.tag === 'legend'))).toBe(
      'Tell us who you are (optional), then write your message below.',
    )
    expect(fields()).toEqual([
      { name: 'Name', type: 'text', required: false },
      { name: 'Email', type: 'email', required: false },
    ])
  })

  it("shows the site's fields in its order, required ones marked", () => {
    const { render, fields } = setup({
      fields: readPrechatFields('cpf*,name*,phone').fields,
      consentRequired: false,
    })
    expect(fields()).toEqual([
      { name: 'CPF', type: 'text', required: true },
      { name: 'Name', type: 'text', required: true },
      { name: 'Phone', type: 'tel', required: false },
    ])
    expect(textOf(render())).toContain('Fields marked * are required.')
  })

  it('says what is wrong under each field, linked to it, once the visitor tries to start', () => {
    const { model, input, errorOf, tryToStart } = setup({
      fields: readPrechatFields('name*,email,phone,cpf*').fields,
      consentRequired: false,
    })
    expect(input('zc-name').props['aria-invalid']).toBe(false)
    expect(input('zc-name').props['aria-describedby']).toBeUndefined()
    model.setProfile({ email: 'ana@', phone: '99141-7777', cpf: '111.111.111-11' })
    tryToStart()
    expect(errorOf('zc-name')).toEqual({ role: 'alert', text: 'Please enter your name.' })
    expect(errorOf('zc-email')?.text).toBe(
      'Please enter a valid email address, like name@example.com. Or leave it empty.',
    )
    expect(errorOf('zc-phone')?.text).toMatch(/^Please enter a Brazilian phone number/)
    expect(errorOf('zc-cpf')).toEqual({
      role: 'alert',
      text: 'This CPF is not valid. Please check its 11 digits.',
    })
    expect(input('zc-cpf').props['aria-invalid']).toBe(true)
    model.setProfile({ cpf: '529.982.247-25' })
    expect(input('zc-cpf').props['aria-invalid']).toBe(false)
  })

  it('shows no fields once the site identified the visitor, and nothing at all without a consent', () => {
    const { model, render } = setup({
      fields: readPrechatFields('name*,email*').fields,
      consentRequired: false,
    })
    model.identify({ name: 'Ana', email: 'ana@example.com' })
    expect(render()).toEqual([])
  })

  it('asks for the required consent with a link to the policy in a new tab', () => {
    const { model, render, input, errorOf, tryToStart } = setup({
      fields: readPrechatFields('name*').fields,
      privacyUrl: 'https://site.test/privacy',
      consentRequired: true,
    })
    model.identify({ name: 'Ana' })
    const checkbox = input('zc-consent')
    expect(checkbox.props).toMatchObject({ type: 'checkbox', required: true, checked: false })
    expect(labelOf(render(), 'zc-consent')).toBe('I agree to the privacy policy')
    expect(findAll(render(), (e) => e.tag === 'a')[0]?.props).toMatchObject({
      href: 'https://site.test/privacy',
      target: '_blank',
      rel: 'noopener noreferrer',
    })
    tryToStart()
    expect(errorOf('zc-consent')).toEqual({
      role: 'alert',
      text: 'Please agree to the privacy policy to start the chat.',
    })
    model.prechat.setConsent(true)
    expect(input('zc-consent').props.checked).toBe(true)
    expect(errorOf('zc-consent')).toBeUndefined()
  })

  it('only mentions the policy when consent is not required', () => {
    const { render } = setup({
      fields: [],
      privacyUrl: 'https://site.test/privacy',
      consentRequired: false,
    })
    expect(findAll(render(), (e) => e.tag === 'input')).toEqual([])
    expect(textOf(render())).toBe('By chatting with us, you agree to our privacy policy.')
  })
})
