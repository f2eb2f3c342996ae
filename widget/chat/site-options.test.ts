import { describe, expect, it } from 'vitest'
import { defaultPrechat } from '../conversation/prechat.ts'
import { readChatAttributes } from './site-options.ts'

describe('readChatAttributes', () => {
  it("keeps today's form when nothing is set", () => {
    expect(readChatAttributes({})).toEqual({ prechat: defaultPrechat, problems: [] })
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
