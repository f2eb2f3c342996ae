import { describe, expect, it } from 'vitest'
import { deriveFileName } from './file-name.ts'
import { safeUrl } from './format.ts'

describe('deriveFileName', () => {
  it('names a file by the last segment of its URL, decoded', () => {
    expect(deriveFileName('https://cdn.test/docs/my%20report.pdf')).toBe('my report.pdf')
    expect(deriveFileName('https://cdn.test/docs/rel%C3%B3gio.png?v=2')).toBe('relógio.png')
    expect(deriveFileName('https://cdn.test/')).toBe('cdn.test')
  })

  it('keeps the name as written when its percent-encoding is broken, instead of throwing', () => {
    expect(deriveFileName('https://x/a%E0%A4%A')).toBe('a%E0%A4%A')
    expect(deriveFileName('https://cdn.test/files/report%.pdf')).toBe('report%.pdf')
    expect(deriveFileName(safeUrl('https://cdn.test/%zz/100%') ?? '')).toBe('100%')
  })

  it('falls back to the text it was given for something that is not a URL', () => {
    expect(deriveFileName('not a url')).toBe('not a url')
  })
})
