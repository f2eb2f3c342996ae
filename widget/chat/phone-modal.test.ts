// @vitest-environment happy-dom
import { signal } from '@preact/signals'
import { afterEach, describe, expect, it } from 'vitest'
import { createPhoneModal } from './phone-modal.ts'

/**
 * The host page as the loader leaves it: the page's content in <body>, the widget's host after it on
 * <html> with the panel in its shadow root. The window around it is the page's own document, with a
 * media query that can change, a scroll position and a visual viewport the test moves.
 */
function setup(narrow: boolean) {
  document.body.innerHTML = '<header><a href="/">Shop</a></header><main><button>Buy</button></main>'
  document.body.style.cssText = 'margin: 0'
  const host = document.createElement('div')
  const panel = document.createElement('div')
  host.attachShadow({ mode: 'open' }).append(panel)
  document.documentElement.append(host)
  // Something else the page put on <html>, and a part it had made inert itself.
  const overlay = document.createElement('aside')
  document.documentElement.append(overlay)
  const footer = document.createElement('footer')
  footer.inert = true
  document.body.append(footer)

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
  const win = {
    scrollX: 0,
    scrollY: 640,
    matchMedia: () => query,
    document,
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
  const modal = signal(false)
  const phone = createPhoneModal(panel, modal, win as unknown as Window)
  return { win, panel, host, overlay, footer, query, listeners, phone, modal }
}

afterEach(() => {
  for (const element of [...document.documentElement.children]) {
    if (element !== document.head && element !== document.body) element.remove()
  }
  document.body.innerHTML = ''
})

describe('the chat as a phone modal', () => {
  it('pins the page while open on a narrow screen, and gives it back exactly', () => {
    const { win, phone, modal } = setup(true)
    phone.setOpen(true)
    expect(modal.value).toBe(true)
    expect(document.body.style.position).toBe('fixed')
    expect(document.body.style.top).toBe('-640px')
    expect(document.documentElement.style.overflow).toBe('hidden')
    win.scrollY = 0 // what pinning the body does to the scroll position
    phone.setOpen(false)
    expect(modal.value).toBe(false)
    expect(document.body.style.cssText).toBe('margin: 0px;')
    expect(document.documentElement.style.cssText).toBe('')
    expect(win.scrollY).toBe(640)
  })

  it('makes the rest of the page inert while open, and gives back exactly what it took', () => {
    const { phone, host, overlay, footer } = setup(true)
    phone.setOpen(true)
    expect(document.body.inert).toBe(true)
    expect(overlay.inert).toBe(true)
    expect(host.inert).toBe(false)
    expect(document.head.inert).toBe(false)
    phone.setOpen(false)
    expect(document.body.inert).toBe(false)
    expect(overlay.inert).toBe(false)
    // The page's own inert part stays inert.
    expect(footer.inert).toBe(true)
    expect(document.querySelectorAll('[inert]')).toHaveLength(1)
  })

  it('gives the page back when the screen widens with the chat open (rotation)', () => {
    const { phone, query, listeners } = setup(true)
    phone.setOpen(true)
    expect(document.body.inert).toBe(true)
    query.matches = false
    listeners.change?.()
    expect(document.body.inert).toBe(false)
    expect(document.body.style.position).toBe('')
  })

  it('follows the visual viewport, which the keyboard shrinks', () => {
    const { win, phone, listeners, panel } = setup(true)
    phone.setOpen(true)
    expect(panel.style.getPropertyValue('--zc-vh')).toBe('420px')
    win.visualViewport.height = 300
    listeners.resize?.()
    expect(panel.style.getPropertyValue('--zc-vh')).toBe('300px')
    phone.setOpen(false)
    expect(panel.style.getPropertyValue('--zc-vh')).toBe('')
  })

  it('is no modal on a wide screen, and becomes one when the screen narrows', () => {
    const { phone, query, listeners, modal } = setup(false)
    phone.setOpen(true)
    expect(modal.value).toBe(false)
    expect(document.body.style.position).toBe('')
    expect(document.body.inert).toBe(false)
    query.matches = true
    listeners.change?.()
    expect(modal.value).toBe(true)
    expect(document.body.inert).toBe(true)
  })

  it('gives the page back and keeps none of its listeners once the widget is destroyed', () => {
    const { win, phone, listeners } = setup(true)
    phone.setOpen(true)
    expect(Object.keys(listeners).sort()).toEqual(['change', 'resize', 'scroll'])
    win.scrollY = 0
    phone.destroy()
    expect(win.document.body.style.cssText).toBe('margin: 0px;')
    expect(win.scrollY).toBe(640)
    expect(listeners).toEqual({})
  })
})
