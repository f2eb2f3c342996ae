import { describe, expect, it } from 'vitest'
import { chooseLocale } from './locale.ts'

describe('chooseLocale', () => {
  it('takes the first language we have: data-lang, then <html lang>, then the browser', () => {
    expect(chooseLocale(['pt-BR', 'en', 'es'])).toBe('pt-BR')
    expect(chooseLocale([undefined, 'es-MX', 'en-US'])).toBe('es')
    expect(chooseLocale([undefined, '', 'pt', 'en'])).toBe('pt-BR')
    expect(chooseLocale([' EN-gb ', 'pt-BR'])).toBe('en')
  })
  it('passes over languages we do not have, and falls back to English', () => {
    expect(chooseLocale(['fr', 'de-DE', 'es_AR'])).toBe('es')
    expect(chooseLocale(['fr', null, 'ja', 'est', 'english'])).toBe('en')
    expect(chooseLocale([])).toBe('en')
  })
  it('reads any Portuguese as Brazilian Portuguese (the sites that embed zChat)', () => {
    expect(chooseLocale(['pt-PT'])).toBe('pt-BR')
  })
})
