/**
 * On a narrow screen the open chat fills it, as a real modal: the page behind does not scroll (its
 * styles and scroll position come back exactly on close), is inert (screen readers and Tab cannot
 * reach it; given back on close, leaving alone what the page had made inert itself), Tab stays
 * inside, and the window follows the visual viewport, so the on-screen keyboard never covers the
 * composer. A chunk of its own, loaded only once the screen is narrow (mount.tsx): desktops never
 * pay for it.
 */
import type { Signal } from '@preact/signals'
import { keepTabInside } from '../ui/focus-trap.ts'
import { narrowQuery } from './narrow.ts'

type Saved = {
  scrollX: number
  scrollY: number
  html: string
  body: string
  /** What this made inert, to give back: never what the page had made inert itself. */
  inert: HTMLElement[]
}

export type PhoneModal = { setOpen(open: boolean): void; destroy(): void }

/** `modal`: true while the window is a full-screen modal (the window reads it for aria-modal). */
export function createPhoneModal(
  panel: HTMLElement,
  modal: Signal<boolean>,
  win: Window = window,
): PhoneModal {
  const narrow = win.matchMedia(narrowQuery)
  const doc = win.document
  let open = false
  let saved: Saved | null = null

  /**
   * Everything in the page but the widget: the other children of <html>, where the loader puts the
   * widget's host (after <body>, not in it). `aria-modal` alone is not enough: not every screen
   * reader honours it, and it does not stop a pointer or a swipe reaching the page.
   */
  function makePageInert(): HTMLElement[] {
    const host = (panel.getRootNode() as ShadowRoot).host
    const made = [...doc.documentElement.children].filter(
      (element) => element !== host && element !== doc.head && !(element as HTMLElement).inert,
    ) as HTMLElement[]
    for (const element of made) element.inert = true
    return made
  }

  // iOS scrolls the page behind `overflow: hidden`; pinning the body in place is what holds it.
  function lock(): void {
    if (saved) return
    const { body, documentElement: html } = doc
    saved = {
      scrollX: win.scrollX,
      scrollY: win.scrollY,
      html: html.style.cssText,
      body: body.style.cssText,
      inert: makePageInert(),
    }
    html.style.overflow = 'hidden'
    Object.assign(body.style, {
      position: 'fixed',
      top: `${-saved.scrollY}px`,
      left: `${-saved.scrollX}px`,
      right: '0',
      overflow: 'hidden',
    })
  }

  function unlock(): void {
    if (!saved) return
    doc.documentElement.style.cssText = saved.html
    doc.body.style.cssText = saved.body
    for (const element of saved.inert) element.inert = false
    win.scrollTo(saved.scrollX, saved.scrollY)
    saved = null
  }

  // The keyboard shrinks the visual viewport, not the layout one that 100dvh follows.
  function followViewport(): void {
    const viewport = win.visualViewport
    if (!viewport || !modal.value) {
      panel.style.removeProperty('--zc-vh')
      panel.style.removeProperty('--zc-top')
      return
    }
    panel.style.setProperty('--zc-vh', `${viewport.height}px`)
    panel.style.setProperty('--zc-top', `${viewport.offsetTop}px`)
  }

  function update(): void {
    modal.value = open && narrow.matches
    if (modal.value) lock()
    else unlock()
    followViewport()
  }

  narrow.addEventListener('change', update)
  win.visualViewport?.addEventListener('resize', followViewport)
  win.visualViewport?.addEventListener('scroll', followViewport)

  panel.addEventListener('keydown', (event) => {
    if (modal.value) keepTabInside(event, panel)
  })

  return {
    setOpen(next: boolean): void {
      open = next
      update()
    },
    /** `zchat('destroy')`: the page gets its scrolling back and keeps none of our listeners. */
    destroy(): void {
      unlock()
      narrow.removeEventListener('change', update)
      win.visualViewport?.removeEventListener('resize', followViewport)
      win.visualViewport?.removeEventListener('scroll', followViewport)
    },
  }
}
