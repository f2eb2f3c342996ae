import { describe, expect, it } from 'vitest'
import { proxyBase, readOptions } from './options.ts'

const isColor = (v: string) => /^#[0-9a-f]{3,8}$|^(red|teal)$/i.test(v)

describe('proxyBase', () => {
  it('strips /widget.js, the query and the hash, keeping a path prefix', () => {
    expect(proxyBase('https://chat.example.com/widget.js')).toBe('https://chat.example.com')
    expect(proxyBase('https://example.com/chat/widget.js?v=3#x')).toBe('https://example.com/chat')
    expect(proxyBase('http://localhost:8787/widget.js')).toBe('http://localhost:8787')
  })

  it('refuses what cannot be a proxy', () => {
    expect(proxyBase('')).toBeNull()
    expect(proxyBase('data:text/javascript,1')).toBeNull()
  })
})

describe('readOptions', () => {
  const base = 'https://p.test'

  it('uses the defaults when nothing is set', () => {
    expect(readOptions(base, 'en', {}, isColor)).toEqual({
      options: {
        proxy: base,
        lang: 'en',
        position: 'right',
        open: false,
        pageUrl: 'path',
        attributes: {},
      },
      problems: [],
    })
  })

  it('reads every option', () => {
    const data = {
      department: '12',
      title: ' Help ',
      color: 'teal',
      position: 'left',
      greeting: 'Hi there!',
      open: 'true',
      pageUrl: 'full',
    }
    expect(readOptions(base, 'en', data, isColor)).toEqual({
      options: {
        proxy: base,
        lang: 'en',
        department: 12,
        title: 'Help',
        color: 'teal',
        position: 'left',
        greeting: 'Hi there!',
        open: true,
        pageUrl: 'full',
        attributes: data,
      },
      problems: [],
    })
  })

  it('reports each bad value and keeps its default', () => {
    const data = {
      department: '1.5',
      title: '  ',
      color: 'url(x)',
      position: 'top',
      greeting: 'x'.repeat(501),
      open: 'yes',
      pageUrl: 'everything',
    }
    const { options, problems } = readOptions(base, 'en', data, isColor)
    expect(options).toEqual({
      proxy: base,
      lang: 'en',
      position: 'right',
      open: false,
      pageUrl: 'path',
      attributes: data,
    })
    expect(problems).toHaveLength(7)
    expect(problems[6]).toBe('data-page-url="everything" (expected "path", "full" or "none")')
    expect(problems[0]).toBe('data-department="1.5" (expected a positive whole number)')
  })

  it('hands the prechat, consent and identity attributes to the chat as they are', () => {
    const data = { prechat: 'name*,cpf', privacyUrl: 'https://site.test/privacy', identity: 'e30' }
    expect(readOptions(base, 'en', data, isColor).options.attributes).toMatchObject(data)
  })

  it('passes opening hours and their zone on as written, for the chat to read', () => {
    const data = { hours: 'mon-fri 09:00-18:00; nonsense', timezone: 'Europe/Lisbon' }
    const { options, problems } = readOptions(base, 'en', data, isColor)
    expect(options).toMatchObject({
      hours: 'mon-fri 09:00-18:00; nonsense',
      timeZone: 'Europe/Lisbon',
    })
    expect(problems).toEqual([])
  })

  it('takes a whole-number z-index, and refuses anything else', () => {
    expect(readOptions(base, 'en', { zIndex: '1000' }, isColor).options.zIndex).toBe(1000)
    expect(readOptions(base, 'en', { zIndex: '-1' }, isColor).options.zIndex).toBe(-1)
    const { options, problems } = readOptions(base, 'en', { zIndex: 'top' }, isColor)
    expect(options.zIndex).toBeUndefined()
    expect(problems).toEqual(['data-zIndex="top" (expected a whole number)'])
  })

  it('refuses department 0 and negative or huge numbers', () => {
    for (const department of ['0', '-1', '99999999999999999999', 'abc']) {
      expect(readOptions(base, 'en', { department }, isColor).options.department).toBeUndefined()
    }
  })
})
