import { describe, expect, it } from 'vitest'
import { proxyBase, readInit, readOptions } from './options.ts'

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

const base = 'https://p.test'

/** What the loader does: data-* with the page's `zchat('init', given)` over them. */
function read(data: Record<string, string>, given?: unknown) {
  const problems: string[] = []
  const own = readInit(given, problems)
  const options = readOptions(base, 'en', { ...data, ...own }, problems, isColor, own)
  return { options, problems }
}

describe('readOptions', () => {
  it('uses the defaults when nothing is set', () => {
    expect(read({})).toEqual({
      options: {
        proxy: base,
        lang: 'en',
        position: 'right',
        open: false,
        attributes: {},
      },
      problems: [],
    })
  })

  it('reads every option', () => {
    const data = {
      color: 'teal',
      position: 'left',
      greeting: 'Hi there!',
      open: 'true',
    }
    expect(read(data)).toEqual({
      options: {
        proxy: base,
        lang: 'en',
        color: 'teal',
        position: 'left',
        greeting: 'Hi there!',
        open: true,
        attributes: data,
      },
      problems: [],
    })
  })

  it('reports each bad value and keeps its default', () => {
    const data = {
      color: 'url(x)',
      position: 'top',
      greeting: 'x'.repeat(501),
      open: 'yes',
    }
    const { options, problems } = read(data)
    expect(options).toEqual({
      proxy: base,
      lang: 'en',
      position: 'right',
      open: false,
      attributes: data,
    })
    expect(problems).toHaveLength(4)
    expect(problems).toContain('data-position="top" (expected "right" or "left")')
  })

  it('takes an empty value as not given', () => {
    const { options, problems } = read({ position: '  ', greeting: '' })
    expect(problems).toEqual([])
    expect({ ...options, attributes: {} }).toEqual(read({}).options)
  })

  it('hands the prechat, consent and identity attributes to the chat as they are', () => {
    const data = { prechat: 'name*,cpf', privacyUrl: 'https://site.test/privacy', identity: 'e30' }
    expect(read(data).options.attributes).toMatchObject(data)
  })

  it('passes opening hours, departments, channels, title and page address on as written, for the chat to read', () => {
    const data = {
      title: ' Help ',
      department: '1.5',
      pageUrl: 'everything',
      hours: 'mon-fri 09:00-18:00; nonsense',
      timezone: 'Europe/Lisbon',
      departments: '[{"id":7,"label":"Vendas"}',
      channels: 'web,whatsapp,fax',
    }
    const { options, problems } = read(data)
    expect(options.attributes).toMatchObject(data)
    expect(problems).toEqual([])
  })

  it('takes the greeting delay in whole seconds, and refuses anything else', () => {
    expect(read({ greetingDelay: '5' }).options.greetingDelay).toBe(5)
    expect(read({ greetingDelay: '0' }).options.greetingDelay).toBe(0)
    const { options, problems } = read({ greetingDelay: '1.5' })
    expect(options.greetingDelay).toBeUndefined()
    expect(problems).toEqual(['data-greeting-delay="1.5" (expected a whole number)'])
  })

  it('takes a whole-number z-index, and refuses anything else', () => {
    expect(read({ zIndex: '1000' }).options.zIndex).toBe(1000)
    expect(read({ zIndex: '-1' }).options.zIndex).toBe(-1)
    const { options, problems } = read({ zIndex: 'top' })
    expect(options.zIndex).toBeUndefined()
    expect(problems).toEqual(['data-z-index="top" (expected a whole number)'])
  })
})

describe("zchat('init', options)", () => {
  it('takes every option in camelCase, numbers and booleans as such, over data-*', () => {
    const { options, problems } = read(
      { department: '1', title: 'From the tag', color: 'red' },
      {
        department: 7,
        title: 'From the script',
        lang: 'pt-BR',
        zIndex: 10,
        position: 'left',
        open: true,
        pageUrl: 'none',
        hours: 'daily 08:00-20:00',
        timezone: 'Europe/Lisbon',
        prechat: 'name*',
        privacyUrl: 'https://site.test/privacy',
        consent: 'required',
        identity: 'e30',
        identitySignature: 'sig',
        greeting: 'Olá!',
        extra: { plan: 'gold' },
        departments: [{ id: 7, label: 'Vendas' }],
        channels: 'web,whatsapp',
      },
    )
    expect(problems).toEqual([])
    expect(options).toMatchObject({
      color: 'red',
      zIndex: 10,
      position: 'left',
      open: true,
      greeting: 'Olá!',
      attributes: {
        department: '7',
        title: 'From the script',
        pageUrl: 'none',
        hours: 'daily 08:00-20:00',
        timezone: 'Europe/Lisbon',
        departments: '[{"id":7,"label":"Vendas"}]',
        channels: 'web,whatsapp',
        lang: 'pt-BR',
        prechat: 'name*',
        privacyUrl: 'https://site.test/privacy',
        consent: 'required',
        identity: 'e30',
        identitySignature: 'sig',
        extra: '{"plan":"gold"}',
      },
    })
  })

  it('names a bad option as the script wrote it, and an unknown one', () => {
    const { options, problems } = read(
      { position: 'sideways' },
      { colour: 'red', open: 'yes', zIndex: { top: true }, global: 'chat' },
    )
    expect(problems).toEqual([
      'unknown option colour',
      'unknown option global',
      'data-position="sideways" (expected "right" or "left")',
      'open="yes" (expected "true" or "false")',
      'zIndex="{"top":true}" (expected a whole number)',
    ])
    expect(options).toMatchObject({ open: false, position: 'right' })
    expect(options.zIndex).toBeUndefined()
  })

  it('takes no options as the data-* ones alone', () => {
    expect(read({ department: '3' }, undefined)).toEqual(read({ department: '3' }))
    expect(read({ department: '3' }, null)).toEqual(read({ department: '3' }))
  })
})
