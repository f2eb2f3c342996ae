import { describe, expect, it } from 'vitest'
import { brazilianPhone, cpfDigits, isCpf, isEmail } from './checks.ts'

describe('isCpf', () => {
  it('accepts a CPF whose check digits add up, written with or without punctuation', () => {
    for (const cpf of ['529.982.247-25', '52998224725', ' 529 982 247 25 ', '111.444.777-35'])
      expect(isCpf(cpf), cpf).toBe(true)
  })

  it('refuses wrong check digits, repeated digits, wrong lengths and other characters', () => {
    for (const cpf of [
      '123.456.789-00',
      '529.982.247-26',
      '529.982.247-52',
      '111.111.111-11',
      '000.000.000-00',
      '99999999999',
      '5299822472',
      '529982247250',
      '529.982.247-2a',
      '529/982/247-25',
      '',
    ])
      expect(isCpf(cpf), cpf).toBe(false)
  })

  it('gives the 11 digits zChat wants', () => {
    expect(cpfDigits('529.982.247-25')).toBe('52998224725')
    expect(cpfDigits('529.982')).toBeNull()
  })
})

describe('isEmail', () => {
  it('accepts what the proxy accepts and refuses the usual typos', () => {
    for (const email of ['ana@example.com', 'ana.silva+chat@mail.example.com.br'])
      expect(isEmail(email), email).toBe(true)
    for (const email of ['ana', 'ana@', 'ana@example', 'ana example@x.com', 'ana@@x.com', '@x.com'])
      expect(isEmail(email), email).toBe(false)
    expect(isEmail(`${'a'.repeat(250)}@x.com`)).toBe(false)
  })
})

describe('brazilianPhone', () => {
  it('reads mobiles and landlines with their area code, with or without +55 and punctuation', () => {
    expect(brazilianPhone('(11) 99141-7777')).toBe('11991417777')
    expect(brazilianPhone('+55 (11) 99141-7777')).toBe('11991417777')
    expect(brazilianPhone('5511991417777')).toBe('11991417777')
    expect(brazilianPhone('11991417777')).toBe('11991417777')
    expect(brazilianPhone('(21) 3333-4444')).toBe('2133334444')
    expect(brazilianPhone('+55 21 3333 4444')).toBe('2133334444')
  })

  it('refuses what cannot be dialled in Brazil', () => {
    for (const phone of [
      '99141-7777',
      '(11) 89141-7777',
      '(01) 99141-7777',
      '(10) 3333-4444',
      '+1 212 555 0100',
      '+55 11 9914',
      '11 99141-7777 ramal 2',
      '',
    ])
      expect(brazilianPhone(phone), phone).toBeNull()
  })
})
