// @vitest-environment happy-dom
import { fireEvent, render, screen, waitFor, within } from '@testing-library/preact'
import { describe, expect, it } from 'vitest'
import { defaultPrechat, type PrechatSettings, readPrechatFields } from '../conversation/prechat.ts'
import { createChat, renderWindow } from '../testing/chat.tsx'
import { PrechatForm } from './PrechatForm.tsx'

function setup(prechat: PrechatSettings) {
  const chat = createChat({ prechat })
  render(<PrechatForm model={chat.model} />)
  /** The form's fields as a visitor's screen reader lists them. */
  const fields = () =>
    [...document.querySelectorAll('input')].map((input) => ({
      name: input.labels?.[0]?.textContent?.replace(' *', ''),
      type: input.type,
      required: input.required,
    }))
  const input = (name: RegExp | string) => screen.getByRole('textbox', { name }) as HTMLInputElement
  /** The text of what the field's aria-describedby points to, and its role. */
  const errorOf = (element: HTMLElement) => {
    const id = element.getAttribute('aria-describedby')
    const error = id ? document.getElementById(id) : null
    return error ? { role: error.getAttribute('role'), text: error.textContent } : undefined
  }
  const tryToStart = () => {
    chat.model.setDraft('Hello')
    chat.model.send()
  }
  return { ...chat, fields, input, errorOf, tryToStart }
}

describe('PrechatForm', () => {
  it('shows, by default, the optional name and email it always has', () => {
    const { fields } = setup(defaultPrechat)
    expect(
      screen.getByRole('group', {
        name: 'Tell us who you are (optional), then write your message below.',
      }),
    ).toBeTruthy()
    expect(fields()).toEqual([
      { name: 'Name', type: 'text', required: false },
      { name: 'Email', type: 'email', required: false },
    ])
  })

  it("shows the site's fields in its order, required ones marked", () => {
    const { fields, input } = setup({
      fields: readPrechatFields('cpf*,name*,phone').fields,
      consentRequired: false,
    })
    expect(fields()).toEqual([
      { name: 'CPF', type: 'text', required: true },
      { name: 'Name', type: 'text', required: true },
      { name: 'Phone', type: 'tel', required: false },
    ])
    // The star is for the eye; the field's name stays "Name" (its required state is announced).
    expect(input('Name').required).toBe(true)
    expect(input('CPF').inputMode).toBe('numeric')
    expect(screen.getByText('Fields marked * are required.')).toBeTruthy()
  })

  it('says what is wrong under each field, linked to it, once the visitor tries to start', async () => {
    const { model, input, errorOf, tryToStart } = setup({
      fields: readPrechatFields('name*,email,phone,cpf*').fields,
      consentRequired: false,
    })
    expect(input('Name').getAttribute('aria-invalid')).toBe('false')
    expect(errorOf(input('Name'))).toBeUndefined()
    fireEvent.input(input('Email'), { target: { value: 'ana@' } })
    fireEvent.input(input('Phone'), { target: { value: '99141-7777' } })
    fireEvent.input(input('CPF'), { target: { value: '111.111.111-11' } })
    tryToStart()
    await waitFor(() =>
      expect(errorOf(input('Name'))).toEqual({ role: 'alert', text: 'Please enter your name.' }),
    )
    expect(errorOf(input('Email'))?.text).toBe(
      'Please enter a valid email address, like name@example.com. Or leave it empty.',
    )
    expect(errorOf(input('Phone'))?.text).toMatch(/^Please enter a Brazilian phone number/)
    expect(errorOf(input('CPF'))).toEqual({
      role: 'alert',
      text: 'This CPF is not valid. Please check its 11 digits.',
    })
    expect(input('CPF').getAttribute('aria-invalid')).toBe('true')
    // Focus goes to the first thing to fix.
    await waitFor(() => expect(document.activeElement).toBe(input('Name')))
    expect(model.phase.value.name).toBe('prechat')
    fireEvent.input(input('CPF'), { target: { value: '529.982.247-25' } })
    await waitFor(() => expect(input('CPF').getAttribute('aria-invalid')).toBe('false'))
  })

  it('shows no fields once the site identified the visitor, and nothing at all without a consent', () => {
    const chat = createChat({
      prechat: { fields: readPrechatFields('name*,email*').fields, consentRequired: false },
    })
    chat.model.identify({ name: 'Ana', email: 'ana@example.com' })
    const { container } = render(<PrechatForm model={chat.model} />)
    expect(container.textContent).toBe('')
    expect(container.querySelector('input')).toBeNull()
  })

  it('asks for the required consent with a link to the policy in a new tab', async () => {
    const chat = createChat({
      prechat: {
        fields: readPrechatFields('name*').fields,
        privacyUrl: 'https://site.test/privacy',
        consentRequired: true,
      },
    })
    chat.model.identify({ name: 'Ana' })
    render(<PrechatForm model={chat.model} />)
    const checkbox = screen.getByRole('checkbox', { name: 'I agree to the privacy policy' })
    expect(checkbox).toMatchObject({ required: true, checked: false })
    expect(screen.getByRole('link', { name: 'privacy policy' })).toMatchObject({
      href: 'https://site.test/privacy',
      target: '_blank',
      rel: 'noopener noreferrer',
    })
    chat.model.setDraft('Hello')
    chat.model.send()
    await waitFor(() =>
      expect(
        document.getElementById(checkbox.getAttribute('aria-describedby') ?? '')?.textContent,
      ).toBe('Please agree to the privacy policy to start the chat.'),
    )
    fireEvent.click(checkbox)
    await waitFor(() => expect(checkbox.getAttribute('aria-describedby')).toBeNull())
    expect(chat.model.prechat.consent.value).toBe(true)
  })

  it('only mentions the policy when consent is not required', () => {
    const chat = createChat({
      prechat: { fields: [], privacyUrl: 'https://site.test/privacy', consentRequired: false },
    })
    const { container } = render(<PrechatForm model={chat.model} />)
    expect(container.querySelector('input')).toBeNull()
    expect(container.textContent).toBe('By chatting with us, you agree to our privacy policy.')
  })

  it('starts the chat with the visitor’s details once they are right', async () => {
    const chat = createChat({
      prechat: { fields: readPrechatFields('name*,email').fields, consentRequired: false },
    })
    renderWindow(chat)
    const form = screen.getByRole('group', { name: /Tell us who you are/ })
    fireEvent.input(within(form).getByRole('textbox', { name: 'Name' }), {
      target: { value: 'Ana' },
    })
    fireEvent.input(screen.getByRole('textbox', { name: 'Message' }), {
      target: { value: 'Hi' },
    })
    fireEvent.keyDown(screen.getByRole('textbox', { name: 'Message' }), { key: 'Enter' })
    await waitFor(() =>
      expect(chat.fake.transport.start).toHaveBeenCalledWith(
        expect.objectContaining({ visitor: { name: 'Ana' } }),
      ),
    )
    await waitFor(() =>
      expect(screen.queryByRole('group', { name: /Tell us who you are/ })).toBeNull(),
    )
  })
})
