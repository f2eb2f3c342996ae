import { describe, expect, it } from 'vitest'
import { cleanFileName, contentDisposition, maxFileNameLength } from './names.ts'

const png = ['png']

describe('cleanFileName', () => {
  it('keeps a plain name as it is, accents and all', () => {
    expect(cleanFileName('Relatório de março.png', png)).toBe('Relatório de março.png')
  })

  it('drops any path, Windows or Unix', () => {
    expect(cleanFileName('C:\\Users\\ana\\foto.png', png)).toBe('foto.png')
    expect(cleanFileName('../../etc/passwd.png', png)).toBe('passwd.png')
  })

  it('drops control and invisible characters that disguise a name', () => {
    // U+202E turns "cod\u202Egnp.exe" into what reads as "codexe.png".
    expect(cleanFileName('cod\u202Egnp.exe', png)).toBe('codgnp.exe.png')
    expect(cleanFileName('a\u0000b\u0007c\u200B.png', png)).toBe('abc.png')
    expect(cleanFileName('line\r\nbreak.png', png)).toBe('linebreak.png')
  })

  it('never starts with a dot nor ends with one, and replaces what Windows refuses', () => {
    expect(cleanFileName('..hidden.png', png)).toBe('hidden.png')
    expect(cleanFileName('what?<is>"this"|*.png', png)).toBe('what__is__this___.png')
    expect(cleanFileName('   ', png)).toBe('file.png')
    expect(cleanFileName(undefined, png)).toBe('file.png')
  })

  it('gives a file the extension of what it is', () => {
    expect(cleanFileName('page.html', ['txt', 'log'])).toBe('page.html.txt')
    expect(cleanFileName('photo', ['jpg', 'jpeg'])).toBe('photo.jpg')
    expect(cleanFileName('PHOTO.JPEG', ['jpg', 'jpeg'])).toBe('PHOTO.JPEG')
  })

  it('bounds the length, keeping the extension', () => {
    const name = cleanFileName(`${'ã'.repeat(500)}.png`, png)
    expect(Array.from(name)).toHaveLength(maxFileNameLength)
    expect(name.endsWith('ã.png')).toBe(true)
  })
})

describe('contentDisposition', () => {
  it('carries the UTF-8 name and an ASCII fallback that cannot break the header', () => {
    expect(contentDisposition('attachment', 'nota "fiscal" março.pdf')).toBe(
      `attachment; filename="nota _fiscal_ mar_o.pdf"; filename*=UTF-8''nota%20%22fiscal%22%20mar%C3%A7o.pdf`,
    )
    expect(contentDisposition('inline', "it's (1).png")).toBe(
      `inline; filename="it's (1).png"; filename*=UTF-8''it%27s%20%281%29.png`,
    )
  })
})
