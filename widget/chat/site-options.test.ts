import { describe, expect, it } from 'vitest'
import { defaultPrechat } from '../conversation/prechat.ts'
import { readChatAttributes } from './site-options.ts'

describe('readChatAttributes', () => {
  it("keeps today's form when nothing is set", () => {
    expect(readChatAttributes({})).toEqual({
      prechat: defaultPrechat,
      theme: 'light',
      pageUrl: 'path',
      problems: [],
    })
  })

  it("reads the window's title, the department and how much of the page's address is sent", () => {
    expect(
      readChatAttributes({ title: ' Help ', department: '12', pageUrl: 'full' }),
    ).toMatchObject({ title: 'Help', department: 12, pageUrl: 'full', problems: [] })
    expect(readChatAttributes({ pageUrl: ' none ' }).pageUrl).toBe('none')
  })

  it('reports a bad title, department or page address and keeps the default', () => {
    const settings = readChatAttributes({
      title: 'x'.repeat(101),
      department: '1.5',
      pageUrl: 'everything',
    })
    expect(settings).toMatchObject({ pageUrl: 'path' })
    expect(settings.title).toBeUndefined()
    expect(settings.department).toBeUndefined()
    expect(settings.problems).toEqual([
      `data-title="${'x'.repeat(101)}" (expected at most 100 characters)`,
      'data-department="1.5" (expected a positive whole number)',
      'data-page-url="everything" (expected "path", "full" or "none")',
    ])
  })

  it('takes an empty title or department as not given', () => {
    expect(readChatAttributes({ title: '  ', department: '' }).problems).toEqual([])
  })

  it('refuses department 0 and negative or huge numbers', () => {
    for (const department of ['0', '-1', '99999999999999999999', 'abc']) {
      expect(readChatAttributes({ department }).department).toBeUndefined()
    }
  })

  it('reads data-theme, light unless the site says dark or auto', () => {
    expect(readChatAttributes({ theme: ' dark ' }).theme).toBe('dark')
    expect(readChatAttributes({ theme: 'auto' }).theme).toBe('auto')
    expect(readChatAttributes({ theme: 'night' })).toMatchObject({
      theme: 'light',
      problems: ['data-theme="night" (expected "auto", "light" or "dark")'],
    })
  })

  it('reads the fields, the privacy policy, the required consent and a signed identity', () => {
    expect(
      readChatAttributes({
        prechat: 'name*,email*,phone,cpf',
        privacyUrl: ' https://site.test/privacy ',
        consent: 'required',
        identity: 'eyJleHAiOjF9',
        identitySignature: 'c2ln',
      }),
    ).toEqual({
      prechat: {
        fields: [
          { field: 'name', required: true },
          { field: 'email', required: true },
          { field: 'phone', required: false },
          { field: 'cpf', required: false },
        ],
        privacyUrl: 'https://site.test/privacy',
        consentRequired: true,
      },
      identity: { payload: 'eyJleHAiOjF9', signature: 'c2ln' },
      theme: 'light',
      pageUrl: 'path',
      problems: [],
    })
  })

  it('reports bad values and leaves them out', () => {
    const { prechat, problems } = readChatAttributes({
      prechat: 'name,age',
      privacyUrl: 'javascript:alert(1)',
      consent: 'required',
    })
    expect(prechat).toEqual({
      fields: [{ field: 'name', required: false }],
      consentRequired: false,
    })
    expect(problems).toEqual([
      'data-prechat: "age" (expected name, email, phone or cpf)',
      'data-privacy-url="javascript:alert(1)" (expected an https:// address)',
      'data-consent="required" needs data-privacy-url',
    ])
    expect(
      readChatAttributes({ privacyUrl: 'https://site.test/p', consent: 'yes' }).problems,
    ).toEqual(['data-consent="yes" (expected "required")'])
  })

  it('passes an unsigned identity on: the proxy refuses it, with a reason the site can read', () => {
    expect(readChatAttributes({ identity: 'eyJleHAiOjF9' }).identity).toEqual({
      payload: 'eyJleHAiOjF9',
    })
  })
})
