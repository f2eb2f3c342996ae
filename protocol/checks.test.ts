import { describe, expect, it } from 'vitest'
import { brazilianPhone, cpfDigits, isCpf, isEmail, withoutControls } from './checks.ts'

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

describe('withoutControls', () => {
  it('takes out every control and format character, bidi overrides and isolates included', () => {
    const bidi = [
      '\u202a',
      '\u202b',
      '\u202c',
      '\u202d',
      '\u202e',
      '\u2066',
      '\u2067',
      '\u2068',
      '\u2069',
    ]
    const marks = ['\u200e', '\u200f', '\u061c']
    const invisible = ['\u200b', '\u2060', '\ufeff', '\u00ad', '\u{e0041}', '\u{e007f}']
    const controls = ['\u0000', '\u0007', '\u001b', '\u007f', '\u0090']
    for (const character of [...bidi, ...marks, ...invisible, ...controls])
      expect(withoutControls(`An${character}a`), character.codePointAt(0)!.toString(16)).toBe('Ana')
    // Every Cc and Cf character but ZWNJ and ZWJ.
    for (let code = 0; code <= 0x10ffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue
      const character = String.fromCodePoint(code)
      if (!/[\p{Cc}\p{Cf}]/u.test(character) || code === 0x200c || code === 0x200d) continue
      expect(withoutControls(character).replace(' ', ''), code.toString(16)).toBe('')
    }
  })

  it('makes one line of several, and keeps what names are spelt with', () => {
    expect(withoutControls('Ana\nSouza\r\n\tSilva\u2028Jr')).toBe('Ana Souza Silva Jr')
    // ZWNJ in a Persian name, ZWJ in an emoji, accents, other scripts.
    for (const name of ['مهدی\u200cپور', '👩\u200d💻 Ana', 'João Müller', '李小龙', 'שרה'])
      expect(withoutControls(name)).toBe(name)
  })
})
