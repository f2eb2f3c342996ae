import { afterEach, describe, expect, it, vi } from 'vitest'
import { createCommands } from './commands.ts'

function setup() {
  const controls = {
    init: vi.fn(),
    destroy: vi.fn(),
    reset: vi.fn(),
    open: vi.fn(),
    close: vi.fn(),
    toggle: vi.fn(),
    identify: vi.fn(),
    extra: vi.fn(),
    captcha: vi.fn(),
    greet: vi.fn(),
  }
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
  return { controls, warn, ...createCommands(controls) }
}

afterEach(() => vi.restoreAllMocks())

describe('zchat()', () => {
  it('runs init with the options as given, and destroy', () => {
    const { zchat, controls } = setup()
    zchat('init', { lang: 'pt-BR' })
    zchat('init')
    zchat('destroy')
    expect(controls.init.mock.calls.map(([options]) => options)).toEqual([
      { lang: 'pt-BR' },
      undefined,
    ])
    expect(controls.destroy).toHaveBeenCalledOnce()
  })

  it("runs reset, the site's logout", () => {
    const { zchat, controls, warn } = setup()
    zchat('reset')
    expect(controls.reset).toHaveBeenCalledOnce()
    expect(warn).not.toHaveBeenCalled()
  })

  it('runs open, close, toggle and identify', () => {
    const { zchat, controls } = setup()
    zchat('open')
    zchat('close')
    zchat('toggle')
    zchat('identify', { name: ' Ada ', email: 'ada@example.com', phone: 42, admin: true })
    expect(controls.open).toHaveBeenCalledOnce()
    expect(controls.close).toHaveBeenCalledOnce()
    expect(controls.toggle).toHaveBeenCalledOnce()
    // Passed on as given: the chat reads it (chat/site-profile.ts).
    expect(controls.identify.mock.calls[0]?.[0]).toEqual({
      name: ' Ada ',
      email: 'ada@example.com',
      phone: 42,
      admin: true,
    })
  })

  it('passes a greeting on, trimmed, with its delay in seconds (none: at once), and warns about a bad one', () => {
    const { zchat, controls, warn } = setup()
    zchat('greet', ' Olá! Posso ajudar? ', { delay: 5 })
    zchat('greet', 'Hi')
    zchat('greet', '   ')
    zchat('greet', 'x'.repeat(501))
    zchat('greet', 'Hi', { delay: -1 })
    zchat('greet', 'Hi', { delay: '5' })
    expect(controls.greet.mock.calls).toEqual([
      ['Olá! Posso ajudar?', 5],
      ['Hi', 0],
    ])
    // The same mistake is told once.
    expect(warn).toHaveBeenCalledOnce()
    expect(warn.mock.calls[0]?.[0]).toMatch(
      /zchat\('greet', text, \{ delay \}\) expects text and seconds/,
    )
  })

  it("passes the site's extra on, and warns about one that is not an object", () => {
    const { zchat, controls, warn } = setup()
    zchat('extra', { clientId: 'c-1' })
    zchat('extra', '{"clientId":"c-1"}')
    zchat('extra', ['c-1'])
    expect(controls.extra.mock.calls).toEqual([[{ clientId: 'c-1' }]])
    expect(warn).toHaveBeenCalledOnce()
    expect(warn.mock.calls[0]?.[0]).toMatch(/zchat\('extra', data\) expects an object/)
  })

  it("takes the page's way to get a CAPTCHA token, and warns about anything else", () => {
    const { zchat, controls, warn } = setup()
    const getToken = () => 'token'
    zchat('captcha', getToken)
    zchat('captcha', 'token')
    expect(controls.captcha.mock.calls).toEqual([[getToken]])
    expect(warn).toHaveBeenCalledOnce()
  })

  it('calls listeners with the payload until they are removed', () => {
    const { zchat, emit } = setup()
    const fn = vi.fn()
    zchat('on', 'message', fn)
    emit('message', { text: 'Hi' })
    emit('state', 'chatting')
    zchat('off', 'message', fn)
    emit('message', { text: 'again' })
    expect(fn.mock.calls).toEqual([[{ text: 'Hi' }]])
  })

  it('never throws into the page, and warns once per mistake with the prefix', () => {
    const { zchat, emit, controls, warn } = setup()
    controls.open.mockImplementation(() => {
      throw new Error('boom')
    })
    expect(() => zchat('open')).not.toThrow()
    zchat('explode')
    zchat('explode')
    zchat('on', 'nope', () => {})
    // The same mistake as the line above: told once.
    zchat('on', 'open', 'not a function')
    zchat('off', 'open', 'not a function')
    // Object.prototype's names are not commands.
    zchat('toString')
    zchat('on', 'open', () => {
      throw new Error('listener bug')
    })
    expect(() => emit('open')).not.toThrow()
    expect(warn).toHaveBeenCalledTimes(6)
    for (const [message] of warn.mock.calls) expect(message).toMatch(/^\[zchat\] /)
  })
})
