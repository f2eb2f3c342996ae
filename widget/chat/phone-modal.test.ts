import { signal } from '@preact/signals'
import { describe, expect, it } from 'vitest'
import { createPhoneModal } from './phone-modal.ts'

/** Just enough of a window: a media query that can change, styles, a scroll position, a viewport. */
function fakeWindow(narrow: boolean) {
  const style = () => {
    const s: Record<string, string> & { cssText: string } = { cssText: '' }
    return s
  }
  const listeners: Record<string, () => void> = {}
  const query = {
    matches: narrow,
    addEventListener: (_: string, fn: () => void) => {
      listeners.change = fn
    },
    removeEventListener: (_: string, fn: () => void) => {
      if (listeners.change === fn) delete listeners.change
    },
  }
  const panelStyle = new Map<string, string>()
  const win = {
    scrollX: 0,
    scrollY: 640,
    matchMedia: () => query,
    document: { documentElement: { style: style() }, body: { style: style() } },
    scrollTo(x: number, y: number) {
      win.scrollX = x
      win.scrollY = y
    },
    visualViewport: {
      height: 420,
      offsetTop: 0,
      addEventListener: (type: string, fn: () => void) => {
        listeners[type] = fn
      },
      removeEventListener: (type: string, fn: () => void) => {
        if (listeners[type] === fn) delete listeners[type]
      },
    },
  }
  const panel = {
    addEventListener: () => {},
    style: {
      setProperty: (name: string, value: string) => panelStyle.set(name, value),
      removeProperty: (name: string) => panelStyle.delete(name),
    },
  }
  return { win, panel, query, listeners, panelStyle }
}

function setup(narrow: boolean) {
  const fake = fakeWindow(narrow)
  fake.win.document.body.style.cssText = 'margin: 0'
  const modal = signal(false)
  const phone = { ...createPhoneModal(fake.panel as never, modal, fake.win as never), modal }
  return { ...fake, phone }
}

describe('the chat as a phone modal', () => {
  it('pins the page while open on a narrow screen, and gives it back exactly', () => {
    const { win, phone } = setup(true)
    phone.setOpen(true)
    expect(phone.modal.value).toBe(true)
    expect(win.document.body.style).toMatchObject({ position: 'fixed', top: '-640px' })
    expect(win.document.documentElement.style).toMatchObject({ overflow: 'hidden' })
    win.scrollY = 0 // what pinning the body does to the scroll position
    phone.setOpen(false)
    expect(phone.modal.value).toBe(false)
    expect(win.document.body.style.cssText).toBe('margin: 0')
    expect(win.scrollY).toBe(640)
  })

  it('follows the visual viewport, which the keyboard shrinks', () => {
    const { win, phone, listeners, panelStyle } = setup(true)
    phone.setOpen(true)
    expect(panelStyle.get('--zc-vh')).toBe('420px')
    win.visualViewport.height = 300
    listeners.resize?.()
    expect(panelStyle.get('--zc-vh')).toBe('300px')
    phone.setOpen(false)
    expect(panelStyle.has('--zc-vh')).toBe(false)
  })

  it('is no modal on a wide screen, and becomes one when the screen narrows', () => {
    const { win, phone, query, listeners } = setup(false)
    phone.setOpen(true)
    expect(phone.modal.value).toBe(false)
    expect(win.document.body.style.position).toBeUndefined()
    query.matches = true
    listeners.change?.()
    expect(phone.modal.value).toBe(true)
  })

  it('gives the page back and keeps none of its listeners once the widget is destroyed', () => {
    const { win, phone, listeners } = setup(true)
    phone.setOpen(true)
    expect(Object.keys(listeners).sort()).toEqual(['change', 'resize', 'scroll'])
    win.scrollY = 0
    phone.destroy()
    expect(win.document.body.style.cssText).toBe('margin: 0')
    expect(win.scrollY).toBe(640)
    expect(listeners).toEqual({})
  })
})
