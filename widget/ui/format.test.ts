import { afterEach, describe, expect, it } from 'vitest'
import { loadLanguage } from '../i18n/text.ts'
import { formatSize, formatTime, linkify, safeUrl } from './format.ts'

describe('safeUrl', () => {
  it('accepts http and https only', () => {
    expect(safeUrl('https://cdn.test/a.png')).toBe('https://cdn.test/a.png')
    expect(safeUrl('http://cdn.test/a b.png')).toBe('http://cdn.test/a%20b.png')
    for (const bad of [
      'javascript:alert(1)',
      'JAVASCRIPT:alert(1)',
      'data:text/html,<b>x</b>',
      'vbscript:x',
      '//cdn.test/a.png',
      '/a.png',
      'file:///etc/passwd',
      '',
    ]) {
      expect(safeUrl(bad)).toBeNull()
    }
  })
})

describe('linkify', () => {
  it('turns http(s) URLs into links and leaves the rest as text', () => {
    expect(linkify('See https://shop.test/track?id=1. Thanks')).toEqual([
      { text: 'See ' },
      { text: 'https://shop.test/track?id=1', href: 'https://shop.test/track?id=1' },
      { text: '. Thanks' },
    ])
  })

  it('never links other schemes and keeps markup as text', () => {
    expect(linkify('javascript:alert(1) <img src=x onerror=alert(1)>')).toEqual([
      { text: 'javascript:alert(1) <img src=x onerror=alert(1)>' },
    ])
  })

  it('handles text without links and several links', () => {
    expect(linkify('')).toEqual([])
    expect(linkify('a http://x.test b https://y.test')).toHaveLength(4)
  })
})

describe('formatTime', () => {
  it('shows a time, or nothing for a missing one', () => {
    expect(formatTime('2025-01-01T10:00:00.000Z')).toMatch(/\d/)
    expect(formatTime('')).toBe('')
  })
})

describe('formatSize', () => {
  afterEach(() => loadLanguage('en'))

  it('says bytes, kB or MB, with one decimal below ten', () => {
    expect(formatSize(0)).toBe('0 bytes')
    expect(formatSize(1)).toBe('1 byte')
    expect(formatSize(1023)).toBe('1,023 bytes')
    expect(formatSize(1536)).toBe('1.5 kB')
    expect(formatSize(200 * 1024)).toBe('200 kB')
    expect(formatSize(10 * 1024 * 1024)).toBe('10 MB')
    expect(formatSize(12.4 * 1024 * 1024)).toBe('12 MB')
    expect(formatSize(2.25 * 1024 * 1024)).toBe('2.3 MB')
  })

  it('writes numbers and units as Portuguese does', async () => {
    await loadLanguage('pt-BR')
    expect(formatSize(1023)).toBe('1.023 bytes')
    expect(formatSize(1536)).toBe('1,5 kB')
    expect(formatSize(2.25 * 1024 * 1024)).toBe('2,3 MB')
  })

  it('writes numbers and units as Spanish does', async () => {
    await loadLanguage('es')
    expect(formatSize(1)).toBe('1 byte')
    expect(formatSize(512)).toBe('512 bytes')
    expect(formatSize(1536)).toBe('1,5 kB')
    expect(formatSize(12.4 * 1024 * 1024)).toBe('12 MB')
  })
})
