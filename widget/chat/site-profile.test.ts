import { describe, expect, it } from 'vitest'
import { mergeProfiles, readProfile } from './site-profile.ts'

describe('readProfile', () => {
  it('keeps bounded strings only', () => {
    expect(readProfile(null)).toEqual({})
    expect(readProfile('Ada')).toEqual({})
    expect(readProfile({ name: 'x'.repeat(101), phone: ' +1 555 ' })).toEqual({ phone: '+1 555' })
  })

  it('takes a CPF and an identity, signed or not (the proxy judges it)', () => {
    expect(
      readProfile({
        cpf: ' 529.982.247-25 ',
        identity: { payload: 'eyJleHAiOjF9', signature: 'c2ln', extra: 1 },
      }),
    ).toEqual({ cpf: '529.982.247-25', identity: { payload: 'eyJleHAiOjF9', signature: 'c2ln' } })
    expect(readProfile({ cpf: '1'.repeat(15), identity: { payload: 'x', signature: 2 } })).toEqual({
      identity: { payload: 'x' },
    })
    expect(readProfile({ identity: 'eyJleHAiOjF9.c2ln' })).toEqual({})
  })

  it("keeps a function as the identity: the page's way to get a fresh one, asked when needed", () => {
    const get = () => ({ payload: 'e30', signature: 's' })
    expect(readProfile({ name: 'Ana', identity: get })).toEqual({ name: 'Ana', identity: get })
  })
})

describe('mergeProfiles', () => {
  it('reads each call, the later winning key by key', () => {
    expect(
      mergeProfiles([
        { name: ' Ada ', email: 'ada@example.com', phone: 42, admin: true },
        'nonsense',
        { email: 'ada@lovelace.dev' },
      ]),
    ).toEqual({ name: 'Ada', email: 'ada@lovelace.dev' })
    expect(mergeProfiles([])).toEqual({})
  })
})
